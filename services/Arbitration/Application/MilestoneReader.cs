using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

/// <summary>The milestone a case is waiting for: whose, which, the days that count, and whether it was reached.</summary>
public sealed record MilestoneStatus(string CaseId, string PersonId, string Milestone, DateOnly From, DateOnly To, DateOnly? ReachedOn, DateTimeOffset CheckedAt);

/// <summary>
/// P-2.4: whether a person reached a trial (Registration's progress records, read now) or a deal (our
/// record of Territory's sales) within their time. The due-queue asks at the deadline; the branch
/// may ask any time before.
/// </summary>
public sealed class MilestoneReader(ArbitrationStore store, IRegistrationReader registration, PolicyClock clock)
{
    public async Task<DateOnly?> ReachedOnAsync(Case @case, string milestone, string personId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        IReadOnlyList<ProgressFact> progress = milestone == Milestones.Trial ? await registration.ListProgressAsync(@case.CustomerId, cancellationToken) : [];
        IReadOnlyList<DealFact> deals = milestone == Milestones.Deal && @case.IdentityKey is { } key ? await store.DealsAsync(key, from, to) : [];
        return MilestoneRules.ReachedOn(milestone, personId, from, to, progress, deals);
    }

    /// <summary>The pending claim's or the auction holder's milestone (whoever may read the case).</summary>
    public async Task<MilestoneStatus> CurrentAsync(Caller caller, QueryCases query, string caseId, CancellationToken cancellationToken)
    {
        var @case = (await query.GetAsync(caller, caseId)).Value;
        var (person, milestone, from, to) = @case switch
        {
            { Status: CaseStatuses.ClaimPending, Claim: { } c } => (c.ClaimantId, c.Milestone, c.StartsOn, c.DueOn),
            { Status: CaseStatuses.AuctionCommitment, Auction: { HolderId: { } h, HolderEntryId: { } e, CommitmentStartsOn: { } s, CommitmentLastDay: { } l } } =>
                (h, @case.Ledger.Single(x => x.Id == e).Milestone!, s, l),
            _ => throw new PolicyRefusalException("P-2.4", $"案件 {@case.Id} 没有进行中的里程碑 / case {@case.Id} is waiting for no milestone",
                new Dictionary<string, string> { ["case_id"] = @case.Id, ["status"] = @case.Status }),
        };
        return new MilestoneStatus(@case.Id, person, milestone, from, to, await ReachedOnAsync(@case, milestone, person, from, to, cancellationToken), clock.UtcNow);
    }
}
