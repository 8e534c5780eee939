using StackExchange.Redis;

namespace CustomerProtection.Penalty.Persistence;

/// <summary>
/// Penalty's keyspace (architecture.md: <c>cp:&lt;service&gt;:&lt;aggregate&gt;:{&lt;id&gt;}</c>).
/// Aggregates are hashes {v, d}. Indexes are sorted sets scored by the violation's instant (Unix
/// milliseconds), so that a period is a score range and lists come newest first.
/// </summary>
public static class PenaltyKeys
{
    public static RedisKey Violation(string violationId) => $"cp:penalty:violation:{{{violationId}}}";

    public static RedisKey Fine(string fineId) => $"cp:penalty:fine:{{{fineId}}}";

    /// <summary>The violator's running record; its version serialises the P-8.3 count.</summary>
    public static RedisKey Offender(string employeeId) => $"cp:penalty:offender:{{{employeeId}}}";

    /// <summary>P-8.3: the violator's standing violations (an overturned violator fine leaves it).</summary>
    public static RedisKey OffenderViolations(string employeeId) => $"cp:penalty:offender:{{{employeeId}}}:violations";

    public static RedisKey AllFines => "cp:penalty:idx:fine";

    public static RedisKey FinesByEmployee(string employeeId) => $"cp:penalty:idx:fine:employee:{employeeId}";

    public static RedisKey FinesByBranch(string branchId) => $"cp:penalty:idx:fine:branch:{branchId}";

    public static RedisKey FinesByRegion(string regionId) => $"cp:penalty:idx:fine:region:{regionId}";

    public static RedisKey ViolationsByBranch(string branchId) => $"cp:penalty:idx:violation:branch:{branchId}";

    /// <summary>The score of everything indexed for a violation: its instant in Unix milliseconds (exact in a double).</summary>
    public static double Score(DateTimeOffset at) => at.ToUnixTimeMilliseconds();
}
