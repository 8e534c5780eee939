using CustomerProtection.Registration.Persistence;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Persistence.Audit;

/// <summary>
/// Where the audit log (C-5) lives in Redis: the <c>pending</c> stream appenders add to, the chained
/// <c>log</c> stream, its <c>head</c>, the chainer's lease, and the log's indexes by customer and by employee.
/// </summary>
public static class AuditKeys
{
    private static readonly string Prefix = RegistrationKeys.Prefix + "audit:";

    public static readonly RedisKey PendingKey = Prefix + "pending";
    public static readonly RedisKey LogKey = Prefix + "log";
    public static readonly RedisKey HeadKey = Prefix + "head";
    public static readonly RedisKey LeaseKey = Prefix + "lease";

    /// <summary>
    /// The customer index (<see cref="CustomerBlock"/>): a field of a hash shared by a block of this many
    /// customer ids. Fixed: changing it would need every field moved to its new block.
    /// </summary>
    public const int CustomerBlockSize = 128;

    /// <summary>
    /// A customer's field in its block holds at most this many bytes of tokens; the entry that would
    /// make it longer spills them all to the customer's sorted set. Below hash-max-listpack-value (1024
    /// on the AppHost's Redis) with room for one more token, so a block hash stays one listpack.
    /// </summary>
    public const int SpillBytes = 900;

    /// <summary>The field's value once the customer's entries live in its sorted set.</summary>
    public const string SpilledMarker = "*";

    /// <summary>
    /// Hash: the customer index of a block of <see cref="CustomerBlockSize"/> consecutive customer ids
    /// (ids are integers, CustomerIdAllocator; any other id goes to a block by a stable hash), field =
    /// customer id, value = its entries as "&lt;sequence&gt;:&lt;log id&gt;" tokens separated by spaces, in
    /// sequence order, or <see cref="SpilledMarker"/>. Most customers have one or a few entries: a field
    /// in a shared listpack costs ~29 bytes where a sorted set of its own cost ~120 (docs/confidentiality.md).
    /// </summary>
    public static RedisKey CustomerBlock(string customerId) =>
        $"{Prefix}customers:{{{RegistrationKeys.IdBucket(customerId, CustomerBlockSize)}}}";

    /// <summary>
    /// Sorted set (member = log id, score = sequence number): the entries of a customer whose tokens
    /// outgrew its field (<see cref="SpillBytes"/>), and of a customer indexed before the blocks existed.
    /// </summary>
    public static RedisKey CustomerSortedSet(string customerId) => $"{Prefix}customer:{{{customerId}}}";

    public static RedisKey EmployeeIndex(string employeeId) => $"{Prefix}employee:{{{employeeId}}}";
}
