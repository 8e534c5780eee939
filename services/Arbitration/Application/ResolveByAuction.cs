using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

/// <summary>P-2.4 (c), chosen by the branch manager or hq (P-13): opens the auction, bids taken until 24:00 of its closing day (<see cref="PlaceBid"/>).</summary>
public sealed class ResolveByAuction(ArbitrationStore store, PolicyClock clock)
{
    public async Task<Versioned<Case>> ExecuteAsync(Caller caller, string caseId, Google.Type.Date? closesOn, string? reason)
    {
        var violations = new List<FieldViolation>();
        var id = RequestFields.Id(violations, "case_id", caseId)!;
        var closes = Dates.Parse(violations, "closes_on", closesOn, required: true);
        var why = RequestFields.Text(violations, "reason", reason, required: false) ?? "P-2.4(c)";
        RequestValidationException.ThrowIfAny(violations);
        return await CaseSteps.StepAsync(store, id, @case =>
        {
            var today = clock.TodayDate;
            return Task.FromResult((CaseRules.Auction(@case, caller, closes!.Value, why, clock.On(today), today, clock.UtcNow), Array.Empty<object>()));
        });
    }
}
