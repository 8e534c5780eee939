using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

/// <summary>
/// What the steps of an open case share (issue 6, item 3): each is decided by <see cref="CaseRules"/> and
/// written in one atomic step with its events; the case id and a required reason checked alike.
/// </summary>
public static class CaseSteps
{
    /// <summary>Reads, decides, commits guarded by the version read (and the customer's marker when the step closes the case); on a conflict decides again.</summary>
    public static async Task<Versioned<Case>> StepAsync(ArbitrationStore store, string caseId, Func<Case, Task<(Transition Transition, object[] Events)>> decide) =>
        await OptimisticConcurrency.RetryAsync(async () =>
        {
            var current = await store.GetCaseAsync(caseId) ?? throw new EntityNotFoundException("case", caseId);
            var (transition, events) = await decide(current.Value);
            var marker = transition.Closed ? await store.GetMarkerAsync(current.Value.CustomerId) : null;
            var result = await store.CommitAsync(CaseChanges.Apply(current, transition, marker, events));
            return (result, new Versioned<Case>(transition.Next, current.Version + 1));
        });

    /// <summary>The request fields of a step that needs nothing but the case and a reason.</summary>
    public static (string Id, string Reason) Check(string caseId, string? reason)
    {
        var violations = new List<FieldViolation>();
        var id = RequestFields.Id(violations, "case_id", caseId)!;
        var why = RequestFields.Text(violations, "reason", reason, required: true)!;
        RequestValidationException.ThrowIfAny(violations);
        return (id, why);
    }
}
