using CustomerProtection.Contracts.Territory;
using CustomerProtection.Contracts.Violations;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>
/// P-7: a confirmed violation (<see cref="ViolationConfirmed"/>) by a point-to-area dealer in a region
/// with a direct branch or office puts the dealer in hq's queue to convert or end, with
/// DealerRightToStayEnded, in one step. Idempotent: one review per dealer, so a redelivered or a further
/// violation adds nothing while it is open, and a converted or ended dealer no longer qualifies.
/// </summary>
public sealed class ReviewDealerAfterViolation(DirectoryStore store, PolicyClock clock)
{
    /// <returns>Whether this call opened the review.</returns>
    public async Task<bool> ExecuteAsync(ViolationConfirmed violation)
    {
        if (violation.Violator is not { Role: Roles.Dealer } violator || await store.GetDealerAsync(violator.EmployeeId) is not { } dealer)
        {
            return false;
        }

        var branches = (await store.PageAsync<Branch>(DirectoryKeys.Branch, DirectoryKeys.ByRegion(DirectoryKeys.Branch, dealer.Value.RegionId), null, 1000)).Select(b => b.Value);
        if (DealerReviewRules.DirectBranchesEndingTheRight(dealer.Value, branches) is not { } direct)
        {
            return false;
        }

        var now = clock.UtcNow;
        var review = new DealerReview(dealer.Value.Id, dealer.Value.BranchId, dealer.Value.RegionId, violation.ViolationId, violation.RuleId, direct, now, DealerReviewStatuses.Open);
        var key = DirectoryKeys.Entity(DirectoryKeys.DealerReview, review.DealerId);
        var change = new AtomicChange()
            .Expect(key, 0)
            .Put(key, 1, DirectoryStore.Encode(review))
            .IndexAdd(DirectoryKeys.OpenDealerReviews, review.DealerId)
            .Publish(new DealerRightToStayEnded(review.DealerId, review.BranchId, review.RegionId, review.ViolationId, review.RuleId, direct, now));
        return (await store.CommitAsync(change)).Succeeded;
    }
}
