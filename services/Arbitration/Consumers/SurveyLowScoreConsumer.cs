using CustomerProtection.Arbitration.Application;
using CustomerProtection.Contracts.Registration;
using MassTransit;

namespace CustomerProtection.Arbitration.Consumers;

/// <summary>
/// M-4 → M-3: a satisfaction survey answer with a low overall score becomes a customer complaint, recorded
/// as its recorder would (their rights, the response time in force), to be answered, followed up internally
/// and resolved like any other. Idempotent: the complaint's id is the round's and the customer's, so a
/// redelivered message finds it recorded.
/// </summary>
public sealed class SurveyLowScoreConsumer(RecordCustomerComplaint record) : IConsumer<SurveyLowScoreRecorded>
{
    public async Task Consume(ConsumeContext<SurveyLowScoreRecorded> context)
    {
        var m = context.Message;
        // Registration checked the recorder's scope over the customer's branch (its owner, the branch's secretary, hq).
        var caller = new Caller(m.RecordedBy, m.RecordedByRole, m.BranchId, null);
        var description = $"M-4 满意度调查 {m.RoundId} 总体评分 {m.OverallScore}（不高于 {m.LowScore}）/ satisfaction survey {m.RoundId}: overall score {m.OverallScore} (at most {m.LowScore})";
        await record.ExecuteAsync(caller, new ComplaintInput(m.CustomerId, null, "other", m.OccurredAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture), description,
            Id: SurveyComplaintId(m.RoundId, m.CustomerId)), context.CancellationToken);
    }

    /// <summary>The complaint of a round's answer: the same id for the same round and customer, of a bounded length whatever the customer's id.</summary>
    public static string SurveyComplaintId(string roundId, string customerId) =>
        "cc-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(roundId + "/" + customerId)))[..32];
}
