using System.Diagnostics.Metrics;
using CustomerProtection.Penalty.Domain;
using CustomerProtection.Penalty.Persistence;
using CustomerProtection.ServiceDefaults;

namespace CustomerProtection.Penalty.Application;

/// <summary>
/// The steps of a fine's life after its proposal (P-8.1, P-8.2): hq confirms, adjusts within the
/// range, decides appeals and records payments; the fined employee appeals. Each step is checked
/// (input, role, status) before anything is written, then written with its PenaltySettled event
/// where it ends the fine, in one atomic step guarded by the fine's version.
/// </summary>
public sealed class FineSteps(PenaltyStore store, PolicyClock clock)
{
    private static readonly Counter<long> FinesSettled = Telemetry.Meter.CreateCounter<long>("cp.penalty.fines.settled", description: "Fines paid or overturned, by outcome");

    public Task<Versioned<Fine>> ConfirmAsync(Caller caller, string fineId, string? reason, long expectedVersion) =>
        StepAsync(caller, fineId, expectedVersion, HqOnly, null, violations => CheckReason(violations, reason, required: false),
            (fine, actor) => FineLifecycle.Confirm(fine, actor, reason ?? ""));

    public Task<Versioned<Fine>> AdjustAsync(Caller caller, string fineId, string amount, string? reason, long expectedVersion)
    {
        decimal parsed = 0;
        return StepAsync(caller, fineId, expectedVersion, HqOnly, null,
            violations =>
            {
                parsed = Money.Parse(violations, "amount", amount, ViolationReports.MaxShipments, allowZero: true) ?? 0;
                CheckReason(violations, reason, required: true);
            },
            (fine, actor) => FineLifecycle.Adjust(fine, actor, parsed, reason!));
    }

    public Task<Versioned<Fine>> AppealAsync(Caller caller, string fineId, string? reason) =>
        StepAsync(caller, fineId, 0, null,
            (c, fine) =>
            {
                if (!PenaltyScopes.CanAppeal(c, fine))
                {
                    throw new ScopeDeniedException("只有被罚款人可以申诉 / only the fined employee may appeal");
                }
            },
            violations => CheckReason(violations, reason, required: true),
            (fine, actor) => FineLifecycle.Appeal(fine, actor, reason!));

    public Task<Versioned<Fine>> DecideAppealAsync(Caller caller, string fineId, bool? upheld, string? reason) =>
        StepAsync(caller, fineId, 0, HqOnly, null,
            violations =>
            {
                if (upheld is null)
                {
                    violations.Add(new("outcome", "须为 upheld 或 overturned / upheld or overturned"));
                }

                CheckReason(violations, reason, required: true);
            },
            (fine, actor) => FineLifecycle.DecideAppeal(fine, actor, upheld!.Value, reason!));

    public Task<Versioned<Fine>> PayAsync(Caller caller, string fineId, string? reason, long expectedVersion) =>
        StepAsync(caller, fineId, expectedVersion, HqOnly, null, violations => CheckReason(violations, reason, required: false),
            (fine, actor) => FineLifecycle.Pay(fine, actor, reason ?? ""));

    private async Task<Versioned<Fine>> StepAsync(
        Caller caller,
        string fineId,
        long expectedVersion,
        Action<Caller>? mayCall,
        Action<Caller, Fine>? mayChange,
        Action<List<FieldViolation>> validate,
        Func<Fine, Actor, Fine> step)
    {
        // A check on the caller alone comes before everything else: a refused caller learns nothing, not even
        // whether the fine id exists or the input was well formed (issue 21).
        mayCall?.Invoke(caller);
        var violations = new List<FieldViolation>();
        ViolationReports.CheckId(violations, "fine_id", fineId, required: true);
        validate(violations);
        RequestValidationException.ThrowIfAny(violations);

        var updated = await OptimisticConcurrency.RetryAsync(async () =>
        {
            var current = await store.GetFineAsync(fineId) ?? throw new EntityNotFoundException("fine", fineId);
            mayChange?.Invoke(caller, current.Value);
            OptimisticConcurrency.ExpectVersion(expectedVersion, current.Version, $"fine {fineId}");
            var now = clock.UtcNow;
            var next = step(current.Value, new Actor(caller.EmployeeId, caller.Role, now));
            // FineConfirmed names the violator's role (P-7 reads it): the violation is read only for such a step.
            var violation = PenaltyChanges.IsHqConfirmation(next.Status) ? (await store.GetViolationAsync(next.ViolationId))?.Value : null;
            var result = await store.CommitAsync(PenaltyChanges.FineStep(current, next, violation, now));
            return (result, new Versioned<Fine>(next, current.Version + 1));
        }, PenaltyConcurrency.Attempts);

        if (FineStatuses.IsSettled(updated.Value.Status))
        {
            FinesSettled.Add(1, new KeyValuePair<string, object?>("outcome", updated.Value.Status));
        }

        return updated;
    }

    private static void HqOnly(Caller caller)
    {
        if (!PenaltyScopes.CanDecide(caller))
        {
            throw new ScopeDeniedException("罚款由总公司决定 / fines are decided by hq (P-8.1, P-8.2)");
        }
    }

    private static void CheckReason(List<FieldViolation> violations, string? reason, bool required) =>
        ViolationReports.CheckText(violations, "reason", reason, ViolationReports.MaxTextLength, required);
}
