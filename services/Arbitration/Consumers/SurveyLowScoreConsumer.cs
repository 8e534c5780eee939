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
    public Task Consume(ConsumeContext<SurveyLowScoreRecorded> context) =>
        record.ExecuteAsync(Recorder(context.Message), Complaint(context.Message), context.CancellationToken);

    /// <summary>Who recorded the answer; Registration checked their scope over the customer's branch (its owner, the branch's secretary, hq).</summary>
    public static Caller Recorder(SurveyLowScoreRecorded m) => new(m.RecordedBy, m.RecordedByRole, m.BranchId, null);

    /// <summary>The complaint: received when the answer was recorded, its id the same for the same round and customer.</summary>
    public static ComplaintInput Complaint(SurveyLowScoreRecorded m) => new(
        m.CustomerId,
        null,
        "other",
        m.OccurredAt,
        $"M-4 满意度调查 {m.RoundId} 总体评分 {m.OverallScore}（不高于 {m.LowScore}）/ satisfaction survey {m.RoundId}: overall score {m.OverallScore} (at most {m.LowScore})",
        Id: "cc-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(m.RoundId + "/" + m.CustomerId)))[..32]);
}
