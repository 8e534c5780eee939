using StackExchange.Redis;

namespace CustomerProtection.Penalty.Persistence;

/// <summary>
/// Penalty's keyspace, every key under the service's hash tag (<see cref="KeySpace"/>).
/// Aggregates are hashes {v, d}. Indexes are sorted sets scored by the violation's instant (Unix
/// milliseconds), so that a period is a score range and lists come newest first.
/// </summary>
public static class PenaltyKeys
{
    private static readonly string Prefix = KeySpace.Of(ResourceNames.Penalty);

    public static RedisKey Violation(string violationId) => $"{Prefix}violation:{{{violationId}}}";

    public static RedisKey Fine(string fineId) => $"{Prefix}fine:{{{fineId}}}";

    /// <summary>The violator's running record; its version serialises the P-8.3 count.</summary>
    public static RedisKey Offender(string employeeId) => $"{Prefix}offender:{{{employeeId}}}";

    /// <summary>P-8.3: the violator's standing violations (an overturned violator fine leaves it).</summary>
    public static RedisKey OffenderViolations(string employeeId) => $"{Prefix}offender:{{{employeeId}}}:violations";

    public static RedisKey AllFines => Prefix + "idx:fine";

    public static RedisKey FinesByEmployee(string employeeId) => $"{Prefix}idx:fine:employee:{employeeId}";

    public static RedisKey FinesByBranch(string branchId) => $"{Prefix}idx:fine:branch:{branchId}";

    public static RedisKey FinesByRegion(string regionId) => $"{Prefix}idx:fine:region:{regionId}";

    public static RedisKey ViolationsByBranch(string branchId) => $"{Prefix}idx:violation:branch:{branchId}";

    /// <summary>The score of everything indexed for a violation: its instant in Unix milliseconds (exact in a double).</summary>
    public static double Score(DateTimeOffset at) => at.ToUnixTimeMilliseconds();
}
