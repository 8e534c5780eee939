using StackExchange.Redis;

namespace CustomerProtection.Territory.Reports;

/// <summary>The report's keys, in Territory's keyspace (one hash slot with the rest of Territory's keys).</summary>
public static class ReportKeys
{
    private static readonly string Prefix = KeySpace.Of(ResourceNames.Territory) + "report:";

    /// <summary>A month's facts: field <c>figure|fact id</c>, value the branch (<c>branch|amount</c> from earlier versions).</summary>
    public static RedisKey Month(string month) => $"{Prefix}month:{month}";

    /// <summary>Every month that has a fact (<c>yyyy-MM</c>), so a report reads the months up to its own.</summary>
    public static RedisKey Months => $"{Prefix}months";

    /// <summary>The once-only markers (<c>figure|fact id</c>): a redelivered event counts once.</summary>
    public static RedisKey Counted => $"{Prefix}counted";

    /// <summary>Customers in a branch's pool now: customer id → branch id (empty once out), to count an exit only for a customer that entered.</summary>
    public static RedisKey PoolMembers => $"{Prefix}pool";

    public static string Field(string figure, string factId) => $"{figure}|{factId}";
}
