using StackExchange.Redis;

namespace CustomerProtection.Notifications.Persistence;

/// <summary>Every key of the worker, under its hash tag (KeySpace): the directory copy, the deliveries and their queues.</summary>
public static class NotificationKeys
{
    public static readonly string Prefix = KeySpace.Of(ResourceNames.Notifications);

    /// <summary>An employee's or branch's copy from Territory's events: <c>{v: Territory's version, d: snapshot}</c>.</summary>
    public static RedisKey Employee(string employeeId) => $"{Prefix}org:employee:{{{employeeId}}}";

    public static RedisKey Branch(string branchId) => $"{Prefix}org:branch:{{{branchId}}}";

    /// <summary>Set: the active secretaries of a branch; kept in the same step as each employee's copy.</summary>
    public static RedisKey BranchSecretaries(string branchId) => $"{Prefix}org:secretaries:{{{branchId}}}";

    /// <summary>Set: the active hq employees; kept in the same step as each employee's copy.</summary>
    public static RedisKey Hq => $"{Prefix}org:hq";

    /// <summary>Set: the notice kinds an employee muted.</summary>
    public static RedisKey Muted(string employeeId) => $"{Prefix}prefs:muted:{{{employeeId}}}";

    /// <summary>Set: the employees who chose a daily digest instead of single mails.</summary>
    public static RedisKey DigestChosen => $"{Prefix}prefs:digest";

    /// <summary>
    /// String: the version of an employee's digest choice (absent: 0), moved in the step that changes the choice, so
    /// a step that decided against the choice it read checks it is still the one (<c>ExpectUnchanged</c>).
    /// </summary>
    public static RedisKey DigestChoice(string employeeId) => $"{Prefix}prefs:digest-version:{{{employeeId}}}";

    /// <summary>Sorted set: the notices held back for an employee's next digest (a <c>DigestItem</c> each, by when recorded, Unix ms).</summary>
    public static RedisKey DigestItems(string employeeId) => $"{Prefix}digest:items:{{{employeeId}}}";

    /// <summary>
    /// Set of <c>&lt;event id&gt;:&lt;employee&gt;</c>: who took an event's notice in their digest, kept after the digest is sent
    /// (as the once-only marker is), so a place's mail of the same event leaves them out.
    /// </summary>
    public static RedisKey TakenInDigest => $"{Prefix}digest:taken";

    /// <summary>The due-queue of the daily digests (member: the employee; due at the next digest hour, Unix ms).</summary>
    public static RedisKey DigestsDue => $"{Prefix}digests:due";

    /// <summary>Set of the event ids already turned into deliveries (the once-only marker).</summary>
    public static RedisKey EventsRecorded => $"{Prefix}events-recorded";

    public static RedisKey Delivery(string deliveryId) => $"{Prefix}delivery:{{{deliveryId}}}";

    /// <summary>The due-queue of deliveries to send (due instant, Unix ms of the business clock).</summary>
    public static RedisKey DeliveriesDue => $"{Prefix}deliveries:due";

    /// <summary>Sorted set: the deliveries failed for good, by when they failed (Unix ms).</summary>
    public static RedisKey DeliveriesFailed => $"{Prefix}deliveries:failed";
}
