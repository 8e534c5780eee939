using CustomerProtection.Contracts.Organization;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Policy.Identity;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>
/// P-7: hq converts a dealer that lost its right to stay to point-to-point (DealerAppointed with the new
/// kind, which the replicas apply) or ends its appointment (DealerTerminated); the dealer, the review and
/// DealerReviewDecided are one step.
/// </summary>
public sealed class DecideDealerReview(DirectoryStore store, PolicyClock clock)
{
    public async Task<Versioned<DealerReview>> ExecuteAsync(Caller caller, string dealerId, bool convert, string? reason)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "dealer_id", dealerId);
        CrossRegionFilingSteps.CheckReason(violations, reason);
        RequestValidationException.ThrowIfAny(violations);
        reason = CrossRegionFilingSteps.NullIfBlank(reason);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var review = await store.GetAsync<DealerReview>(DirectoryKeys.DealerReview, dealerId) ?? throw new EntityNotFoundException("dealer review", dealerId);
            var dealer = await store.GetDealerAsync(dealerId) ?? throw new EntityNotFoundException("dealer", dealerId);
            var now = clock.UtcNow;
            var (decided, next) = DealerReviewRules.Decide(review.Value, dealer.Value, caller, convert, reason, now);
            var key = DirectoryKeys.Entity(DirectoryKeys.DealerReview, dealerId);
            var change = DirectoryChanges.Dealer(dealer, next, CustomerIdentity.Key(next.TaxpayerId, next.InvoiceTitle), null,
                    (s, v) => convert ? new DealerAppointed(s, v, now) : new DealerTerminated(s, reason, v, now))
                .Expect(key, review.Version)
                .Put(key, review.Version + 1, DirectoryStore.Encode(decided))
                .IndexRemove(DirectoryKeys.OpenDealerReviews, dealerId)
                .Publish(new DealerReviewDecided(dealerId, decided.Status, caller.EmployeeId, reason, now));
            return (await store.CommitAsync(change), new Versioned<DealerReview>(decided, review.Version + 1));
        });
    }
}
