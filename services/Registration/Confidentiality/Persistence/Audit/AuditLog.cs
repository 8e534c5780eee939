using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Persistence;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Persistence.Audit;

/// <summary>
/// C-5: the append-only, hash-chained audit log in Redis, in two stages.
/// <para>
/// Appending: a use case adds its entry to the <c>pending</c> stream — for a change in the same atomic
/// step as the change itself (<see cref="Pending"/>), for a read before the clear data is returned
/// (<see cref="AppendAsync"/>). XADD is atomic and durable (AOF), and appenders never touch the chain,
/// so any number of requests on any number of replicas append without coordinating.
/// </para>
/// <para>
/// Chaining (<see cref="ChainPendingAsync"/>, run by <see cref="Workers.AuditChainWorker"/>): the oldest pending
/// entries get the next sequence numbers and hashes — SHA-256 of the previous hash and the entry,
/// computed here in .NET — and one Lua script moves them to the <c>log</c> stream, indexes them by
/// customer and employee, deletes them from <c>pending</c> and moves the <c>head</c> (sequence, hash,
/// last id), only if the head is still the one the hashes were computed from. That compare-and-set is
/// why the chain cannot fork: two chainers (a lease that lapsed during a pause) both read head h; the
/// first script moves it to h′; the second finds h′ ≠ h and writes nothing, then chains what is still
/// pending on top of h′. Nothing is chained twice (pending entries leave in the same script) or lost
/// (they stay pending until a script succeeds). The lease only avoids wasted work.
/// </para>
/// Log ids are <c>&lt;ms&gt;-&lt;n&gt;</c> from the entries' own times (never earlier than the previous id), so
/// a period is a range of ids; the indexes are sorted by sequence number.
/// </summary>
/// <remarks>
/// One class in parts, one file each: appending (here), chaining (<c>AuditLog.Chaining.cs</c>), querying
/// (<c>AuditLog.Query.cs</c>) and verifying (<c>AuditLog.Verification.cs</c>); the keys are
/// <see cref="AuditKeys"/>, the scripts <see cref="AuditScripts"/>, the stored form <see cref="AuditCodec"/>.
/// </remarks>
public sealed partial class AuditLog(IConnectionMultiplexer redis)
{
    /// <summary>Wakes the chainer right after an append instead of at its next poll.</summary>
    public SemaphoreSlim Signal { get; } = new(0, int.MaxValue);

    private IDatabase Db => redis.GetDatabase();

    /// <summary>The entry of a change, in the change's own atomic step: no change without its entry, no entry without its change.</summary>
    public static void Pending(AtomicChange change, AuditRecord record) =>
        change.StreamAdd(AuditKeys.PendingKey, Guid.NewGuid().ToString("N"), AuditCodec.PendingType, AuditCodec.Body(record));

    /// <summary>Entries of reads (clear data is returned only after this returned).</summary>
    public async Task AppendAsync(IReadOnlyCollection<AuditRecord> records)
    {
        if (records.Count == 0)
        {
            return;
        }

        var db = Db;
        await Task.WhenAll(records.Select(record => db.StreamAddAsync(AuditKeys.PendingKey, AuditCodec.PendingEntry(record))));
        NotifyAppended();
    }

    public void NotifyAppended()
    {
        if (Signal.CurrentCount == 0)
        {
            Signal.Release();
        }
    }
}
