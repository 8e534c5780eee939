using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

/// <summary>P-2.4 (b), chosen by the branch manager or hq (P-13): the claimant's deposit is held until the milestone's due day, when the due-queue settles the claim.</summary>
public sealed class ResolveBySurpassingClaim(ArbitrationStore store, PolicyClock clock)
{
    public async Task<Versioned<Case>> ExecuteAsync(Caller caller, string caseId, string? milestone, Google.Type.Date? dueOn, string? reason)
    {
        var violations = new List<FieldViolation>();
        var id = RequestFields.Id(violations, "case_id", caseId)!;
        var chosen = RequestFields.OneOf(violations, "milestone", milestone, Milestones.All)!;
        var due = Dates.Parse(violations, "due_on", dueOn, required: true);
        var why = RequestFields.Text(violations, "reason", reason, required: false) ?? "P-2.4(b)";
        RequestValidationException.ThrowIfAny(violations);
        return await CaseSteps.StepAsync(store, id, @case =>
        {
            var today = clock.TodayDate;
            return Task.FromResult((CaseRules.SurpassingClaim(@case, caller, chosen, due!.Value, why, clock.On(today), today, clock.UtcNow), Array.Empty<object>()));
        });
    }
}
