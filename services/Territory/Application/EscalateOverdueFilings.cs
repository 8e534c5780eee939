using CustomerProtection.Contracts.Territory;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>
/// P-10: a filing the target region's secretary left unanswered for 24 hours escalates by itself to
/// hq and the target regional manager, who decide together: CrossRegionEscalated and their queues. Drained from the due
/// queue (<see cref="DueQueue"/>); each item is leased (one replica handles it) and re-checked against the clock, and the
/// escalation is guarded by the filing's version, so a late, early or repeated tick — or two
/// replicas at once — escalate a filing exactly once.
/// </summary>
public sealed class EscalateOverdueFilings(SalesStore store, PolicyClock clock)
{
    public const int BatchSize = 100;
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(30);

    /// <returns>How many filings this call escalated.</returns>
    public async Task<int> RunOnceAsync()
    {
        var escalated = 0;
        foreach (var claim in await store.FilingsDue.ClaimAsync(clock.UtcNow, BatchSize, LeaseTime))
        {
            try
            {
                escalated += await EscalateAsync(claim.Member) ? 1 : 0;
            }
            finally
            {
                // Escalated or answered: the entry is gone and this does nothing; not yet: due again at the next poll.
                await store.FilingsDue.ReleaseAsync(claim);
            }
        }

        return escalated;
    }

    private async Task<bool> EscalateAsync(string id)
    {
        var filing = await store.GetAsync<CrossRegionFiling>(SalesKeys.Filing, id);
        if (filing is null || filing.Value.Status != FilingStatuses.Pending)
        {
            // Answered or decided in time (or already escalated): nothing is due any more.
            await store.FilingsDue.RemoveAsync(id);
            return false;
        }

        var now = clock.UtcNow;
        if (CrossRegionRules.Escalate(filing.Value, now) is not { } next)
        {
            return false;
        }

        var managers = (await store.Directory.PageAsync<Employee>(DirectoryKeys.Employee, DirectoryKeys.ByRegion(DirectoryKeys.Employee, next.TargetRegionId), null, PageSizes.Max))
            .Select(e => e.Value)
            .Where(e => e.Role == Roles.RegionalManager && e.Status == EmployeeStatuses.Active)
            .Select(e => e.Id)
            .ToList();
        var key = DirectoryKeys.Entity(SalesKeys.Filing, id);
        var change = new AtomicChange()
            .Expect(key, filing.Version)
            .Put(key, filing.Version + 1, DirectoryStore.Encode(next))
            .Publish(new CrossRegionEscalated(next.Id, next.RequesterId, next.TargetRegionId, managers, next.IdentityKey, next.SubmittedAt, next.Deadline, now));

        // A decision that slipped in since the read wins: the guard fails and nothing is escalated.
        // A decider who already decided (possible from the deadline on) is not queued again.
        return (await store.Directory.CommitAsync(CrossRegionFilingSteps.Queues(change, next))).Succeeded;
    }
}
