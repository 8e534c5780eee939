using System.Buffers;
using System.Globalization;
using CustomerProtection.Storage;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Persistence;

/// <summary>Why a <see cref="CustomerChange"/> was not applied.</summary>
public enum ChangeFailure
{
    None,

    /// <summary>The identity is held by another customer (the reservation was lost).</summary>
    IdentityTaken,

    /// <summary>The customer's version moved (someone else changed it first).</summary>
    VersionMoved,

    /// <summary>X-1: the owner's protected customers reached the holding cap.</summary>
    HoldingCap,

    /// <summary>X-2: the daily pool-claim quota is used up.</summary>
    Quota,

    /// <summary>The member is already in the set (an award or a violation applied before).</summary>
    AlreadyApplied,
}

public sealed record ChangeResult(ChangeFailure Failure, string? Detail)
{
    public static readonly ChangeResult Applied = new(ChangeFailure.None, null);

    public bool Succeeded => Failure == ChangeFailure.None;

    public long Count => long.TryParse(Detail, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
}

/// <summary>
/// One atomic Redis step for customers (architecture.md): checks first (the identity reservation,
/// version guards, the X-1 holding cap, the X-2 quota, once-only markers), then every write — the
/// customer with its history and progress entries, its contact, indexes, counters — and the outbox
/// entries, by one Lua script or not at all. Like ServiceDefaults' AtomicChange (same outbox fields), with the checks that a
/// filing must make inside the step: counting the owner's protected customers and reserving the
/// identity outside the script would let two concurrent filings both pass.
/// </summary>
public sealed class CustomerChange
{
    // ARGV: check count, checks (op, key index, args...), write count, writes (op, key index, args...).
    // Checks never write, and every check runs before the first write, so a refusal writes nothing.
    private const string Script =
        """
        local a = 1
        local function take() local v = ARGV[a]; a = a + 1; return v end
        -- The due-queue's top level holds each bucket at its earliest deadline, or not at all when empty.
        local function settle(entries, top, bucket)
          local first = redis.call('ZRANGE', entries, 0, 0, 'WITHSCORES')
          if first[2] then redis.call('ZADD', top, first[2], bucket) else redis.call('ZREM', top, bucket) end
        end
        local checks = tonumber(take())
        for i = 1, checks do
          local op = take()
          local k = KEYS[tonumber(take())]
          if op == 'free' then
            local field = take()
            local expected = take()
            local current = redis.call('HGET', k, field)
            if current and current ~= expected then return {0, op, current} end
          elseif op == 'same' then
            local expected = take()
            local current = redis.call('GET', k)
            if current and current ~= expected then return {0, op, 'changed'} end
          elseif op == 'fsame' then
            local field = take()
            local expected = take()
            local current = redis.call('HGET', k, field)
            if current and current ~= expected then return {0, op, 'changed'} end
          elseif op == 'ver' then
            local expected = take()
            local current = redis.call('HGET', k, 'v') or '0'
            if current ~= expected then return {0, op, current} end
          elseif op == 'cap' then
            local formal = KEYS[tonumber(take())]
            local now = take()
            local cap = tonumber(take())
            local countFormal = take()
            -- Protected now: scored after now; a pending filing is scored +inf and is not protected (X-1).
            local held = redis.call('ZCOUNT', k, '(' .. now, '(+inf')
            if countFormal == '0' then held = held - redis.call('ZCOUNT', formal, '(' .. now, '(+inf') end
            if held >= cap then return {0, op, tostring(held)} end
          elseif op == 'quota' then
            local limit = tonumber(take())
            local current = tonumber(redis.call('GET', k) or '0')
            if current >= limit then return {0, op, tostring(current)} end
          elseif op == 'once' then
            local member = take()
            if redis.call('SISMEMBER', k, member) == 1 then return {0, op, member} end
          end
        end
        local writes = tonumber(take())
        for i = 1, writes do
          local op = take()
          local k = KEYS[tonumber(take())]
          if op == 'put' then
            local version = take()
            local data = take()
            redis.call('HSET', k, 'v', version, 'd', data)
          elseif op == 'set' then
            redis.call('SET', k, take())
          elseif op == 'hash' then
            local n = tonumber(take())
            local fields = {}
            for j = 1, n * 2 do fields[j] = take() end
            redis.call('DEL', k)
            if n > 0 then redis.call('HSET', k, unpack(fields)) end
          elseif op == 'hset' then
            local field = take()
            redis.call('HSET', k, field, take())
          elseif op == 'happend' then
            local field = take()
            local member = take()
            local current = redis.call('HGET', k, field)
            if current then redis.call('HSET', k, field, current .. ' ' .. member) else redis.call('HSET', k, field, member) end
          elseif op == 'sadd' then
            redis.call('SADD', k, take())
          elseif op == 'saddcap' then
            local member = take()
            if redis.call('SCARD', k) < tonumber(take()) then redis.call('SADD', k, member) end
          elseif op == 'srem' then
            redis.call('SREM', k, take())
          elseif op == 'zadd' then
            local score = take()
            redis.call('ZADD', k, score, take())
          elseif op == 'zrem' then
            redis.call('ZREM', k, take())
          elseif op == 'dueadd' or op == 'duerem' then
            local top = KEYS[tonumber(take())]
            local bucket = take()
            if op == 'dueadd' then
              local score = take()
              redis.call('ZADD', k, score, take())
            else
              redis.call('ZREM', k, take())
            end
            settle(k, top, bucket)
          elseif op == 'zprune' then
            redis.call('ZREMRANGEBYSCORE', k, '-inf', take())
          elseif op == 'incr' then
            local ttl = take()
            redis.call('INCR', k)
            redis.call('EXPIRE', k, ttl)
          elseif op == 'xadd' then
            local id = take()
            local type = take()
            local body = take()
            local traceparent = take()
            redis.call('XADD', k, '*', 'id', id, 'type', type, 'body', body, 'traceparent', traceparent)
          end
        end
        return {1}
        """;

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

    public bool HasEvents => _entries.Count > 0;

    /// <summary>The hash field must be absent or already hold <paramref name="expected"/> (the identity reservation).</summary>
    public CustomerChange RequireFree(RedisKey hash, string field, string expected) => Check("free", hash, field, expected);

    /// <summary>
    /// The string key must be absent or still hold <paramref name="expected"/>, the value read before
    /// deciding (a compare-and-set for the grant slots).
    /// </summary>
    public CustomerChange RequireUnchanged(RedisKey key, RedisValue expected) => Check("same", key, expected);

    /// <summary>Like <see cref="RequireUnchanged"/> for one field of a hash (the confidential envelope in the customer's hash).</summary>
    public CustomerChange RequireFieldUnchanged(RedisKey hash, string field, RedisValue expected) => Check("fsame", hash, field, expected);

    /// <summary>The hash's <c>v</c> must equal <paramref name="version"/> (0: the hash must not exist).</summary>
    public CustomerChange RequireVersion(RedisKey key, long version) => Check("ver", key, version);

    /// <summary>X-1: fewer than <paramref name="cap"/> members scored after <paramref name="nowMs"/> and below +∞ (protected now; a pending filing is scored +∞).</summary>
    public CustomerChange RequireBelowCap(RedisKey held, RedisKey formal, long nowMs, int cap, bool countFormal) =>
        Check("cap", held, Key(formal), nowMs, cap, countFormal ? "1" : "0");

    /// <summary>X-2: the counter is below <paramref name="limit"/>.</summary>
    public CustomerChange RequireBelowQuota(RedisKey counter, int limit) => Check("quota", counter, limit);

    /// <summary>The member must not be in the set yet (applied once).</summary>
    public CustomerChange RequireNotMember(RedisKey set, string member) => Check("once", set, member);

    public CustomerChange Put(RedisKey key, long version, RedisValue data) => Write("put", key, version, data);

    public CustomerChange Set(RedisKey key, RedisValue value) => Write("set", key, value);

    /// <summary>Replaces the whole hash with these fields (none: deletes it).</summary>
    public CustomerChange ReplaceHash(RedisKey key, IReadOnlyList<KeyValuePair<string, string>> fields)
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

    /// <summary>Sets one field of a hash (beside the customer's <c>v</c> and <c>d</c>).</summary>
    public CustomerChange SetField(RedisKey key, string field, RedisValue value) => Write("hset", key, field, value);

    /// <summary>Appends <paramref name="member"/> to a hash field holding a space-separated list (a title's group, P-2.5).</summary>
    public CustomerChange FieldAppend(RedisKey key, string field, string member) => Write("happend", key, field, member);

    public CustomerChange SetAdd(RedisKey key, string member) => Write("sadd", key, member);

    /// <summary>Adds the member unless the set has <paramref name="cap"/> members already.</summary>
    public CustomerChange SetAddCapped(RedisKey key, string member, int cap) => Write("saddcap", key, member, cap);

    public CustomerChange SetRemove(RedisKey key, string member) => Write("srem", key, member);

    public CustomerChange SortedAdd(RedisKey key, string member, double score) => Write("zadd", key, Score(score), member);

    public CustomerChange SortedRemove(RedisKey key, string member) => Write("zrem", key, member);

    /// <summary>The customer's due-queue entry at <paramref name="score"/> (Unix ms), in its bucket and the top level (<see cref="RegistrationKeys.Due"/>).</summary>
    public CustomerChange DueAdd(string customerId, double score)
    {
        var bucket = RegistrationKeys.DueBucket(customerId);
        return Write("dueadd", RegistrationKeys.DueEntries(bucket), Key(RegistrationKeys.Due), bucket, Score(score), customerId);
    }

    public CustomerChange DueRemove(string customerId)
    {
        var bucket = RegistrationKeys.DueBucket(customerId);
        return Write("duerem", RegistrationKeys.DueEntries(bucket), Key(RegistrationKeys.Due), bucket, customerId);
    }

    /// <summary>Removes the members scored up to <paramref name="maxScore"/> (expired announcements).</summary>
    public CustomerChange SortedPrune(RedisKey key, double maxScore) => Write("zprune", key, Score(maxScore));

    public CustomerChange Increment(RedisKey counter, TimeSpan expiry) => Write("incr", counter, (long)expiry.TotalSeconds);

    /// <summary>An entry in a stream other than the outbox, with the outbox's fields (C-5: the audit log's pending entries).</summary>
    public CustomerChange StreamAdd(RedisKey stream, string id, string type, string body) => Write("xadd", stream, id, type, body, "");

    public CustomerChange Publish(object message)
    {
        _entries.Add(RedisOutbox.Entry(message));
        return this;
    }

    public async Task<ChangeResult> CommitAsync(IDatabaseAsync db, RedisOutbox outbox)
    {
        // Once: the buffers go back to the pool below.
        if (_committed)
        {
            throw new InvalidOperationException("A customer change is committed once; build a new one to try again.");
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
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(Script, [.. _keys], args))!;
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
            "free" => ChangeFailure.IdentityTaken,
            "ver" or "same" or "fsame" => ChangeFailure.VersionMoved,
            "cap" => ChangeFailure.HoldingCap,
            "quota" => ChangeFailure.Quota,
            _ => ChangeFailure.AlreadyApplied,
        };
        return new ChangeResult(failure, (string?)result[2]);
    }

    private CustomerChange Check(string op, RedisKey key, params ReadOnlySpan<RedisValue> args)
    {
        _checks.Add(op, Key(key), args);
        _checkCount++;
        return this;
    }

    private CustomerChange Write(string op, RedisKey key, params ReadOnlySpan<RedisValue> args)
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

        /// <summary>Cleared on return: the values hold the customer's encoded data.</summary>
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

    private static string Score(double score) =>
        double.IsPositiveInfinity(score) ? "+inf" : double.IsNegativeInfinity(score) ? "-inf" : score.ToString("R", CultureInfo.InvariantCulture);
}
