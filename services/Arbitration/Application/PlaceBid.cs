using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

/// <summary>P-2.4 (c): a bid in a case's open auction, one per person.</summary>
public sealed class PlaceBid(ArbitrationStore store, PolicyClock clock)
{
    public async Task<Versioned<Case>> ExecuteAsync(Caller caller, string caseId, string amount, string? milestone)
    {
        var violations = new List<FieldViolation>();
        var id = RequestFields.Id(violations, "case_id", caseId)!;
        var value = Money.Parse(violations, "amount", amount);
        var chosen = RequestFields.OneOf(violations, "milestone", milestone, Milestones.All)!;
        RequestValidationException.ThrowIfAny(violations);
        return await CaseSteps.StepAsync(store, id, @case => Task.FromResult((CaseRules.PlaceBid(@case, caller, value!.Value, chosen, clock.UtcNow), Array.Empty<object>())));
    }
}
