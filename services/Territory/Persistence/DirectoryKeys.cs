using StackExchange.Redis;

namespace CustomerProtection.Territory.Persistence;

/// <summary>
/// Territory's keyspace, every key under the service's hash tag (<see cref="KeySpace"/>).
/// Indexes are sorted sets with score 0, read in lexical order for stable id-ordered paging.
/// </summary>
public static class DirectoryKeys
{
    /// <summary>Every key of Territory begins with this.</summary>
    public static readonly string Prefix = KeySpace.Of(ResourceNames.Territory);

    public const string Region = "region";
    public const string Branch = "branch";
    public const string Employee = "employee";
    public const string Dealer = "dealer";

    /// <summary>P-7: hq's decision on a point-to-area dealer that lost its right to stay, by dealer id.</summary>
    public const string DealerReview = "dealerreview";

    /// <summary>hq's queue of dealer reviews not decided yet (score 0, by dealer id).</summary>
    public static RedisKey OpenDealerReviews => $"{Prefix}idx:{DealerReview}:open";

    public static RedisKey Entity(string kind, string id) => $"{Prefix}{kind}:{{{id}}}";

    public static RedisKey All(string kind) => $"{Prefix}idx:{kind}";

    public static RedisKey ByRegion(string kind, string regionId) => $"{Prefix}idx:{kind}:region:{regionId}";

    public static RedisKey ByBranch(string kind, string branchId) => $"{Prefix}idx:{kind}:branch:{branchId}";
}
