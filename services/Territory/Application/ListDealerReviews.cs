using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>P-7: hq's queue of dealers that lost their right to stay and wait for hq's decision, by dealer id.</summary>
public sealed class ListDealerReviews(DirectoryStore store)
{
    public async Task<IReadOnlyList<Versioned<DealerReview>>> ExecuteAsync(Caller caller, string? afterDealerId, int pageSize)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "page_token", afterDealerId, required: false);
        var (size, _) = QuerySales.Paging(violations, pageSize, null);
        RequestValidationException.ThrowIfAny(violations);
        if (!caller.IsHq)
        {
            throw new ScopeDeniedException("只有总公司查看 / hq's queue");
        }

        return await store.PageAsync<DealerReview>(DirectoryKeys.DealerReview, DirectoryKeys.OpenDealerReviews, string.IsNullOrEmpty(afterDealerId) ? null : afterDealerId, size);
    }
}
