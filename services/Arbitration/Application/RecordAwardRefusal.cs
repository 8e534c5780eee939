using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;
using CustomerProtection.Contracts.Registration;

namespace CustomerProtection.Arbitration.Application;

/// <summary>
/// Registration's OwnershipAwardRefused (its ownership gate would not apply an award of a case: the
/// winner left, C-9, P-12; is at the holding cap, X-1; or another record of the same customer is held,
/// P-2.5) onto the case: recorded with the refusal's rule id, reason and details, and the decision put
/// back where it can be made again (<see cref="CaseRules.AwardRefused"/>). Idempotent: a refusal already
/// recorded (same award: owner and decision time) changes nothing and publishes nothing; two deliveries
/// at once are one version-guarded write and a re-read.
/// </summary>
public sealed class RecordAwardRefusal(ArbitrationStore store, IDirectoryReader directory, PolicyClock clock)
{
    /// <returns>True when the case changed; false for a redelivery.</returns>
    public async Task<bool> ApplyAsync(OwnershipAwardRefused refused, CancellationToken cancellationToken)
    {
        // A malformed case id is refused at once (the _error queue, docs/design.md); an unknown case is
        // retried (EntityNotFoundException: the refusal cannot overtake the case, but an operator sees it).
        var violations = new List<FieldViolation>();
        var caseId = RequestFields.Id(violations, "case_id", refused.CaseId)!;
        RequestValidationException.ThrowIfAny(violations);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var current = await store.GetCaseAsync(caseId) ?? throw new EntityNotFoundException("case", caseId);
            var @case = current.Value;
            var now = clock.UtcNow;
            var refusal = new AwardRefusal(refused.OwnerId, refused.RuleId, refused.Reason, new Dictionary<string, string>(refused.Details ?? new Dictionary<string, string>()),
                refused.DecidedAt, refused.RefusedAt, now);
            if (@case.AwardRefusals.Any(r => r.SameAs(refusal)))
            {
                return (ChangeResult.Applied, false);
            }

            // Reopening a closed case takes the customer's dispute marker again, guarded by its version.
            var marker = await store.GetMarkerAsync(@case.CustomerId);
            var customerFree = marker?.Value.OpenCaseId is null || marker.Value.OpenCaseId == @case.Id;
            // P-2.4(c) with C-9, P-12: the bidders still in line, if the refused one held an auction's customer.
            var holders = @case.Status == CaseStatuses.AuctionCommitment
                ? await directory.HolderStatusesAsync(SettleDueWork.InLine(@case), cancellationToken)
                : HolderStatuses.None;
            var today = clock.TodayDate;
            var transition = CaseRules.AwardRefused(@case, refusal, customerFree, holders, clock.Arithmetic(today), today, now);
            if (transition is null)
            {
                return (ChangeResult.Applied, false);
            }

            return (await store.CommitAsync(CaseChanges.Apply(current, transition, marker)), true);
        });
    }
}
