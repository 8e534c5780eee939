using CustomerProtection.Contracts.Penalty;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Contracts.Violations;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>
/// P-7: a confirmed violation (<see cref="ViolationConfirmed"/> from an Arbitration case, or hq letting a
/// detected violation's fine stand in Penalty, <see cref="FineConfirmed"/>) by a point-to-area dealer in a region
/// with a direct branch or office puts the dealer in hq's queue to convert or end, with
/// DealerRightToStayEnded, in one step. Idempotent: one review per dealer, so a redelivered or a further
/// violation adds nothing while it is open, and a converted or ended dealer no longer qualifies.
/// </summary>
public sealed class ReviewDealerAfterViolation(DirectoryStore store, PolicyClock clock)
{
    /// <returns>Whether this call opened the review.</returns>
    public Task<bool> ExecuteAsync(ViolationConfirmed violation) =>
        violation.Violator is { Role: Roles.Dealer } violator ? ReviewAsync(violator.EmployeeId, violation.ViolationId, violation.RuleId) : Task.FromResult(false);

    /// <summary>Only the violator's own fine confirms their violation (a manager's fine is the manager's liability).</summary>
    public Task<bool> ExecuteAsync(FineConfirmed fine) =>
        fine is { Liability: "violator", ViolatorRole: Roles.Dealer } ? ReviewAsync(fine.EmployeeId, fine.ViolationId, fine.RuleId) : Task.FromResult(false);

    private async Task<bool> ReviewAsync(string dealerId, string violationId, string ruleId)
    {
        if (await store.GetDealerAsync(dealerId) is not { } dealer)
        {
            return false;
        }

        var branches = (await store.PageAsync<Branch>(DirectoryKeys.Branch, DirectoryKeys.ByRegion(DirectoryKeys.Branch, dealer.Value.RegionId), null, 1000)).Select(b => b.Value);
        if (DealerReviewRules.DirectBranchesEndingTheRight(dealer.Value, branches) is not { } direct)
        {
            return false;
        }

        var now = clock.UtcNow;
        var review = new DealerReview(dealer.Value.Id, dealer.Value.BranchId, dealer.Value.RegionId, violationId, ruleId, direct, now, DealerReviewStatuses.Open);
        var key = DirectoryKeys.Entity(DirectoryKeys.DealerReview, review.DealerId);
        var change = new AtomicChange()
            .Expect(key, 0)
            .Put(key, 1, DirectoryStore.Encode(review))
            .IndexAdd(DirectoryKeys.OpenDealerReviews, review.DealerId)
            .Publish(new DealerRightToStayEnded(review.DealerId, review.BranchId, review.RegionId, review.ViolationId, review.RuleId, direct, now));
        return (await store.CommitAsync(change)).Succeeded;
    }
}
