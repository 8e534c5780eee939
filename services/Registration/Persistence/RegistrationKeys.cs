using StackExchange.Redis;

namespace CustomerProtection.Registration.Persistence;

/// <summary>
/// Registration's customer keyspace (architecture.md: <c>cp:&lt;service&gt;:&lt;aggregate&gt;:{&lt;id&gt;}</c>).
/// A customer's own keys share its hash tag; indexes are sets and sorted sets kept in the same
/// atomic step as the customer (<see cref="CustomerChange"/>).
/// </summary>
public static class RegistrationKeys
{
    private const string Prefix = "cp:registration:";

    /// <summary>Hash {v, d}: the customer (JSON) and its version.</summary>
    public static RedisKey Customer(string id) => $"{Prefix}customer:{{{id}}}";

    /// <summary>List of ownership history entries, oldest first, never trimmed.</summary>
    public static RedisKey History(string id) => $"{Prefix}customer:{{{id}}}:history";

    /// <summary>List of progress records (M-2), oldest first.</summary>
    public static RedisKey Progress(string id) => $"{Prefix}customer:{{{id}}}:progress";

    /// <summary>Set of the Arbitration cases whose award was applied (idempotent OwnershipAwarded).</summary>
    public static RedisKey AppliedAwards(string id) => $"{Prefix}customer:{{{id}}}:awards";

    /// <summary>String: identity key (P-2.5) → customer id. Set once, by the filing that reserved it.</summary>
    public static RedisKey Identity(string identityKey) => $"{Prefix}identity:{{{identityKey}}}";

    /// <summary>Set of customer ids whose title has this near-duplicate candidate key .</summary>
    public static RedisKey TitleKey(string candidateKey) => $"{Prefix}titlekey:{{{candidateKey}}}";

    /// <summary>Sorted set: the owner's pending and protected customers, scored by the end of protection (X-1, P-12).</summary>
    public static RedisKey OwnerCustomers(string ownerId) => $"{Prefix}owner:{{{ownerId}}}:customers";

    /// <summary>Sorted set: the formal ones among them (X-1 may leave them out of the cap).</summary>
    public static RedisKey OwnerFormal(string ownerId) => $"{Prefix}owner:{{{ownerId}}}:formal";

    /// <summary>Set: customers the employee co-develops (P-3.6; cleared when they leave, C-9).</summary>
    public static RedisKey CoDeveloperOf(string employeeId) => $"{Prefix}codev:{{{employeeId}}}";

    /// <summary>Sorted set (score 0, id order): every customer of the branch (P-13, X-7 export).</summary>
    public static RedisKey BranchCustomers(string branchId) => $"{Prefix}branch:{{{branchId}}}:customers";

    /// <summary>Sorted set by filing time: the secretary's queue (P-2.1).</summary>
    public static RedisKey BranchPending(string branchId) => $"{Prefix}branch:{{{branchId}}}:pending";

    /// <summary>Sorted set by the time it was freed: the branch's public pool (P-12, P-3.5).</summary>
    public static RedisKey BranchPool(string branchId) => $"{Prefix}branch:{{{branchId}}}:pool";

    /// <summary>Sorted set by the end of the objection window: current announcements (P-2.2).</summary>
    public static RedisKey BranchAnnouncements(string branchId) => $"{Prefix}branch:{{{branchId}}}:announcements";

    /// <summary>Sorted set by request time: extension requests waiting for a decision (P-3.3).</summary>
    public static RedisKey BranchExtensions(string branchId) => $"{Prefix}branch:{{{branchId}}}:extensions";

    /// <summary>Set: salespeople the branch manager marked behind target (P-12 priority).</summary>
    public static RedisKey BehindTarget(string branchId) => $"{Prefix}branch:{{{branchId}}}:behind-target";

    /// <summary>Counter of an employee's pool claims on one Shanghai day, expiring after two days.</summary>
    public static RedisKey Claims(string employeeId, DateOnly day) => $"{Prefix}claims:{{{employeeId}}}:{day:yyyyMMdd}";

    /// <summary>Set of the violation ids already reported (P-6): a stable id is published once.</summary>
    public static readonly RedisKey ReportedViolations = $"{Prefix}violations";

    /// <summary>The due-queue: one entry per protected customer at its next deadline (X-3, P-3.4, P-3.5).</summary>
    public static readonly RedisKey Due = $"{Prefix}due";
}
