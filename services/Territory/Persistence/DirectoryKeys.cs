using StackExchange.Redis;

namespace CustomerProtection.Territory.Persistence;

/// <summary>
/// Territory's keyspace (architecture.md: <c>cp:&lt;service&gt;:&lt;aggregate&gt;:{&lt;id&gt;}</c>).
/// Indexes are sorted sets with score 0, read in lexical order for stable id-ordered paging.
/// </summary>
public static class DirectoryKeys
{
    public const string Region = "region";
    public const string Branch = "branch";
    public const string Employee = "employee";
    public const string Dealer = "dealer";

    public static RedisKey Entity(string kind, string id) => $"cp:territory:{kind}:{{{id}}}";

    public static RedisKey All(string kind) => $"cp:territory:idx:{kind}";

    public static RedisKey ByRegion(string kind, string regionId) => $"cp:territory:idx:{kind}:region:{regionId}";

    public static RedisKey ByBranch(string kind, string branchId) => $"cp:territory:idx:{kind}:branch:{branchId}";
}
