using System.Buffers;
using System.Globalization;
using StackExchange.Redis;

namespace CustomerProtection.Storage;

/// <summary>Why an <see cref="AtomicChange"/> was refused (nothing was written).</summary>
public enum ChangeFailure
{
    None,

    /// <summary>The hash field is held by someone else (a reservation was lost).</summary>
    FieldTaken,

    /// <summary>A version, value or field read before deciding has changed (someone else wrote first).</summary>
    VersionMoved,

    /// <summary>The counted members of a sorted set reached the cap.</summary>
    CapReached,

    /// <summary>The counter reached its limit.</summary>
    QuotaUsed,

    /// <summary>The member is already in the set (the change was applied before).</summary>
    AlreadyApplied,
}

/// <summary>Applied, or which check refused and what it found there (the current version, the count at the cap, the counter, the member).</summary>
public sealed record ChangeResult(ChangeFailure Failure, string? Detail, string? Key = null)
{
    public static readonly ChangeResult Applied = new(ChangeFailure.None, null);

    public bool Succeeded => Failure == ChangeFailure.None;

    /// <summary>The number the refusing check found (a version, a count, a counter); 0 when it found none.</summary>
    public long Number => long.TryParse(Detail, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
}

/// <summary>
/// One atomic Redis step (architecture.md): checks first — version guards, a reservation, values read
/// before deciding, a cap, a quota, once-only markers — then every write — aggregates
/// (hashes <c>{v: version, d: state}</c>), their fields, sets, indexes, due-queues, counters — and the
/// outbox entries, by one script (<see cref="ChecksBeforeWrites"/>) or not at all. A check that counts
/// or reserves must run inside the step: done before it, two concurrent changes could both pass.
/// Keys are passed in; what they mean is the service's.
/// </summary>
public sealed class AtomicChange
{
    private readonly List<RedisKey> _keys = [];
    private readonly Dictionary<string, int> _keyIndex = new(StringComparer.Ordinal);

    // ARGV is gathered in buffers from the shared pool and copied once, at commit, into the array the
    // command sends. A filing's step has about a hundred values; growing lists for them and copying them
    // twice more was a fifth of everything Registration allocated per filing (dotnet-trace, allocation ticks).
    private ArgumentBuffer _checks = new(16);
    private ArgumentBuffer _writes = new(128);
    private readonly List<OutboxEntry> _entries = [];
    private int _checkCount;
    private int _writeCount;
    private bool _committed;

    /// <summary>The hash's <c>v</c> must equal <paramref name="version"/> (0: the hash must not exist).</summary>
    public AtomicChange Expect(RedisKey key, long version) => Check("ver", key, version);

    /// <summary>The hash field must be absent or already hold <paramref name="holder"/> (a reservation).</summary>
    public AtomicChange ExpectFieldFree(RedisKey hash, string field, string holder) => Check("free", hash, field, holder);

    /// <summary>
    /// The string key must be absent or still hold <paramref name="expected"/>, the value read before
    /// deciding (a compare-and-set).
    /// </summary>
    public AtomicChange ExpectUnchanged(RedisKey key, RedisValue expected) => Check("same", key, expected);

    /// <summary>Like <see cref="ExpectUnchanged"/> for one field of a hash.</summary>
    public AtomicChange ExpectFieldUnchanged(RedisKey hash, string field, RedisValue expected) => Check("fsame", hash, field, expected);

    /// <summary>
    /// Fewer than <paramref name="cap"/> members of <paramref name="sortedSet"/> scored after
    /// <paramref name="scoredAfter"/> and below +∞ (+∞ marks a member that does not count yet), less
    /// those of <paramref name="less"/> in the same range when given.
    /// </summary>
    public AtomicChange ExpectBelowCap(RedisKey sortedSet, double scoredAfter, int cap, RedisKey? less = null) =>
        Check("cap", sortedSet, scoredAfter, cap, less is { } other ? Key(other) : 0);

    /// <summary>The counter (absent: 0) is below <paramref name="limit"/>.</summary>
    public AtomicChange ExpectBelowQuota(RedisKey counter, int limit) => Check("quota", counter, limit);

    /// <summary>The member must not be in the set yet (applied once).</summary>
    public AtomicChange ExpectNotMember(RedisKey set, string member) => Check("once", set, member);

    /// <summary>The aggregate's new state and version.</summary>
    public AtomicChange Put(RedisKey key, long version, RedisValue data) => Write("put", key, version, data);

    public AtomicChange Set(RedisKey key, RedisValue value) => Write("set", key, value);

    /// <summary>Replaces the whole hash with these fields (none: deletes it).</summary>
    public AtomicChange ReplaceHash(RedisKey key, IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        var args = new RedisValue[1 + 2 * fields.Count];
        args[0] = fields.Count;
        for (var i = 0; i < fields.Count; i++)
        {
            args[1 + 2 * i] = fields[i].Key;
            args[2 + 2 * i] = fields[i].Value;
        }

        return Write("hash", key, args);
    }

    /// <summary>Sets one field of a hash (beside an aggregate's <c>v</c> and <c>d</c>).</summary>
    public AtomicChange SetField(RedisKey key, string field, RedisValue value) => Write("hset", key, field, value);

    /// <summary>Appends <paramref name="member"/> to a hash field holding a space-separated list.</summary>
    public AtomicChange FieldAppend(RedisKey key, string field, string member) => Write("happend", key, field, member);

    public AtomicChange SetAdd(RedisKey key, string member) => Write("sadd", key, member);

    /// <summary>Adds the member unless the set has <paramref name="cap"/> members already.</summary>
    public AtomicChange SetAddCapped(RedisKey key, string member, int cap) => Write("saddcap", key, member, cap);

    public AtomicChange SetRemove(RedisKey key, string member) => Write("srem", key, member);

    /// <summary>A sorted-set index entry (score 0: lexical order, paged by id).</summary>
    public AtomicChange IndexAdd(RedisKey sortedSet, string member, double score = 0) => Write("zadd", sortedSet, Score(score), member);

    public AtomicChange IndexRemove(RedisKey sortedSet, string member) => Write("zrem", sortedSet, member);

    /// <summary>Removes the members scored up to <paramref name="maxScore"/>.</summary>
    public AtomicChange IndexPrune(RedisKey sortedSet, double maxScore) => Write("zprune", sortedSet, Score(maxScore));

    /// <summary>
    /// A two-level due-queue's entry: <paramref name="member"/> at <paramref name="score"/> in its
    /// bucket's sorted set <paramref name="entries"/>, and the bucket in <paramref name="top"/> at its
    /// earliest deadline.
    /// </summary>
    public AtomicChange DueAdd(RedisKey entries, RedisKey top, string bucket, string member, double score) =>
        Write("dueadd", entries, Key(top), bucket, Score(score), member);

    /// <summary>Removes a due-queue entry; the bucket leaves <paramref name="top"/> when it empties.</summary>
    public AtomicChange DueRemove(RedisKey entries, RedisKey top, string bucket, string member) =>
        Write("duerem", entries, Key(top), bucket, member);

    /// <summary>Increments the counter and sets it to expire after <paramref name="expiry"/>.</summary>
    public AtomicChange Increment(RedisKey counter, TimeSpan expiry) => Write("incr", counter, (long)expiry.TotalSeconds);

    /// <summary>An entry in a stream other than the outbox, with the outbox's fields.</summary>
    public AtomicChange StreamAdd(RedisKey stream, string id, string type, string body) => Write("xadd", stream, id, type, body, "");

    /// <summary>The event, as an outbox entry of this step.</summary>
    public AtomicChange Publish(object message)
    {
        _entries.Add(RedisOutbox.Entry(message));
        return this;
    }

    /// <summary>Applies everything, or nothing when a check refuses (the result names it).</summary>
    public async Task<ChangeResult> CommitAsync(IDatabaseAsync db, RedisOutbox outbox)
    {
        // Once: the buffers go back to the pool below.
        if (_committed)
        {
            throw new InvalidOperationException("An atomic change is committed once; build a new one to try again.");
        }

        _committed = true;
        var stream = Key(outbox.StreamKey);
        var args = new RedisValue[2 + _checks.Length + _writes.Length + 6 * _entries.Count];
        args[0] = _checkCount;
        _checks.Written.CopyTo(args.AsSpan(1));
        var at = 1 + _checks.Length;
        args[at++] = _writeCount + _entries.Count;
        _writes.Written.CopyTo(args.AsSpan(at));
        at += _writes.Length;
        foreach (var entry in _entries)
        {
            args[at++] = "xadd";
            args[at++] = stream;
            args[at++] = entry.MessageId;
            args[at++] = entry.Type;
            args[at++] = entry.Body;
            args[at++] = entry.TraceParent;
        }

        _checks.Return();
        _writes.Return();
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(ChecksBeforeWrites.Script, [.. _keys], args))!;
        if ((int)result[0] == 1)
        {
            if (_entries.Count > 0)
            {
                outbox.NotifyCommitted();
            }

            return ChangeResult.Applied;
        }

        var failure = (string)result[1]! switch
        {
            "free" => ChangeFailure.FieldTaken,
            "ver" or "same" or "fsame" => ChangeFailure.VersionMoved,
            "cap" => ChangeFailure.CapReached,
            "quota" => ChangeFailure.QuotaUsed,
            _ => ChangeFailure.AlreadyApplied,
        };
        return new ChangeResult(failure, (string?)result[2], (string?)result[3]);
    }

    private AtomicChange Check(string op, RedisKey key, params ReadOnlySpan<RedisValue> args)
    {
        _checks.Add(op, Key(key), args);
        _checkCount++;
        return this;
    }

    private AtomicChange Write(string op, RedisKey key, params ReadOnlySpan<RedisValue> args)
    {
        _writes.Add(op, Key(key), args);
        _writeCount++;
        return this;
    }

    /// <summary>A growing run of values in an array rented from <see cref="ArrayPool{T}.Shared"/>.</summary>
    private struct ArgumentBuffer(int capacity)
    {
        private RedisValue[] _values = ArrayPool<RedisValue>.Shared.Rent(capacity);

        public int Length { get; private set; }

        public readonly ReadOnlySpan<RedisValue> Written => _values.AsSpan(0, Length);

        public void Add(string op, int key, ReadOnlySpan<RedisValue> args)
        {
            if (Length + 2 + args.Length > _values.Length)
            {
                var larger = ArrayPool<RedisValue>.Shared.Rent(Math.Max(2 * _values.Length, Length + 2 + args.Length));
                Written.CopyTo(larger);
                ArrayPool<RedisValue>.Shared.Return(_values, clearArray: true);
                _values = larger;
            }

            _values[Length] = op;
            _values[Length + 1] = key;
            args.CopyTo(_values.AsSpan(Length + 2));
            Length += 2 + args.Length;
        }

        /// <summary>Cleared on return: the values hold aggregates' encoded data.</summary>
        public void Return()
        {
            ArrayPool<RedisValue>.Shared.Return(_values, clearArray: true);
            _values = [];
            Length = 0;
        }
    }

    private int Key(RedisKey key)
    {
        var name = key.ToString();
        if (!_keyIndex.TryGetValue(name, out var index))
        {
            _keys.Add(key);
            index = _keys.Count;
            _keyIndex[name] = index;
        }

        return index;
    }

    // Redis spells the infinities +inf and -inf; a finite score goes as the number itself (no string made).
    private static RedisValue Score(double score) =>
        double.IsPositiveInfinity(score) ? "+inf" : double.IsNegativeInfinity(score) ? "-inf" : score;
}
