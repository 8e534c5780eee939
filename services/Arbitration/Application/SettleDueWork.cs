using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;
using CustomerProtection.Contracts.Arbitration;
using Grpc.Core;

namespace CustomerProtection.Arbitration.Application;

/// <summary>
/// The due-queue (issue 6, item 5): a claim's date (P-2.4(b)), an auction's close and each
/// commitment's end (P-2.4(c)), a complaint's response time (M-3). Each due item is leased (<see cref="DueQueue"/>: one
/// replica handles it), its aggregate re-read and the deadline re-checked against the clock by the
/// pure rules, and the step is guarded by the aggregate's version and moves or removes the due entry
/// in the same atomic step — so a late, early or repeated tick, or two replicas at once, act on a
/// deadline exactly once. A milestone that needs Registration, or a bidder's or claimant's status that
/// needs Territory (C-9, P-12: only someone active is given the customer), waits for it: the item stays due.
/// </summary>
public sealed class SettleDueWork(ArbitrationStore store, MilestoneReader milestones, IDirectoryReader directory, PolicyClock clock, ILogger<SettleDueWork> logger)
{
    public const int BatchSize = 100;
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(30);

    /// <summary>Items of a batch are independent (each has its own lease and version guard): handled side by side.</summary>
    public const int Parallelism = 16;

    /// <returns>How many deadlines this call acted on.</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var acted = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(await store.Due.ClaimAsync(clock.UtcNow, BatchSize, LeaseTime), options, async (claim, token) =>
        {
            if (await HandleAsync(claim, token))
            {
                Interlocked.Increment(ref acted);
            }
        });
        return acted;
    }

    private async Task<bool> HandleAsync(DueClaim claim, CancellationToken cancellationToken)
    {
        var member = claim.Member;
        try
        {
            return member.StartsWith("case:", StringComparison.Ordinal)
                ? await SettleCaseAsync(member["case:".Length..], cancellationToken)
                : await EscalateComplaintAsync(member["complaint:".Length..], cancellationToken);
        }
        catch (Exception ex) when (ex is RpcException or HttpRequestException)
        {
            // Registration or Territory did not answer: this item stays due, the others go on.
            logger.LogWarning(ex, "Due item {Member}: a service it needs did not answer; it stays due", member);
            return false;
        }
        finally
        {
            // Acted on: the step removed or moved the entry and this does nothing; not yet: due again at the next poll.
            await store.Due.ReleaseAsync(claim);
        }
    }

    public async Task<bool> SettleCaseAsync(string caseId, CancellationToken cancellationToken)
    {
        var member = ArbitrationKeys.DueCase(caseId);
        var current = await store.GetCaseAsync(caseId);
        if (current?.Value.NextDeadline is not { } deadline)
        {
            // Settled, decided or withdrawn meanwhile: nothing is due any more.
            await store.Due.RemoveAsync(member);
            return false;
        }

        var @case = current.Value;
        var now = clock.UtcNow;
        if (now < deadline)
        {
            return false;
        }

        Transition? transition;
        switch (@case.Status)
        {
            case CaseStatuses.ClaimPending:
            {
                var claim = @case.Claim!;
                var reached = await milestones.ReachedOnAsync(@case, claim.Milestone, claim.ClaimantId, claim.StartsOn, claim.DueOn, cancellationToken);
                transition = CaseRules.SettleClaim(@case, reached, reached is null ? HolderStatuses.None : await HoldersAsync([claim.ClaimantId], cancellationToken), now);
                break;
            }

            case CaseStatuses.AuctionBidding:
                transition = CaseRules.CloseAuction(@case, await HoldersAsync(InLine(@case), cancellationToken), clock.Arithmetic(Dates.DateOf(@case.Auction!.ClosesAt)), now);
                break;
            case CaseStatuses.AuctionCommitment:
            {
                var reached = await HolderReachedAsync(@case, cancellationToken);
                var holders = reached is null ? await HoldersAsync(InLine(@case), cancellationToken) : HolderStatuses.None;
                transition = CaseRules.SettleCommitment(@case, reached, holders, clock.Arithmetic(Dates.DateOf(@case.Auction!.CommitmentDueAt!.Value)), now);
                break;
            }

            default:
                transition = null;
                break;
        }

        if (transition is null)
        {
            return false;
        }

        var marker = transition.Closed ? await store.GetMarkerAsync(@case.CustomerId) : null;
        // A resolution or decision that slipped in since the read wins: the guard fails, nothing is done twice.
        return (await store.CommitAsync(CaseChanges.Apply(current, transition, marker))).Succeeded;
    }

    public async Task<bool> EscalateComplaintAsync(string complaintId, CancellationToken cancellationToken)
    {
        var member = ArbitrationKeys.DueComplaint(complaintId);
        var current = await store.GetComplaintAsync(complaintId);
        if (current is null || current.Value.Status != ComplaintStatuses.Open || current.Value.EscalatedAt is not null)
        {
            await store.Due.RemoveAsync(member);
            return false;
        }

        var now = clock.UtcNow;
        if (!ComplaintRules.IsOverdue(current.Value, now))
        {
            return false;
        }

        var manager = await directory.GetBranchManagerAsync(current.Value.BranchId, cancellationToken);
        if (ComplaintRules.Escalate(current.Value, manager, now) is not { } next)
        {
            return false;
        }

        var key = ArbitrationKeys.Complaint(complaintId);
        var change = new AtomicChange()
            .Expect(key, current.Version)
            .Put(key, current.Version + 1, ArbitrationStore.Encode(next))
            .IndexRemove(ArbitrationKeys.Due, member)
            .Publish(new CustomerComplaintEscalated(next.Id, next.CustomerId, next.BranchId, next.EscalatedTo, next.AboutEmployeeId, next.ResponseDueOn, next.ReceivedAt, now));
        return (await store.CommitAsync(change)).Succeeded;
    }

    /// <summary>C-9, P-12: the directory's status of those a deadline may make the owner (Territory not answering leaves the item due).</summary>
    private Task<HolderStatuses> HoldersAsync(IEnumerable<string> personIds, CancellationToken cancellationToken) =>
        directory.HolderStatusesAsync(personIds, cancellationToken);

    /// <summary>P-2.4(c): the bidders whose bids are still held (the ones who may be next in line).</summary>
    public static IEnumerable<string> InLine(Case @case) =>
        @case.Ledger.Where(e => e.Kind == LedgerKinds.Bid && e.Status == LedgerStatuses.Held && e.PersonId != @case.Auction?.HolderId).Select(e => e.PersonId);

    private async Task<DateOnly?> HolderReachedAsync(Case @case, CancellationToken cancellationToken)
    {
        var auction = @case.Auction!;
        var bid = @case.Ledger.Single(e => e.Id == auction.HolderEntryId);
        return await milestones.ReachedOnAsync(@case, bid.Milestone!, auction.HolderId!, auction.CommitmentStartsOn!.Value, auction.CommitmentLastDay!.Value, cancellationToken);
    }
}
