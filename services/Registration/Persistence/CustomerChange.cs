using System.Globalization;
using CustomerProtection.ServiceDefaults.Messaging;
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
/// customer, its contact, history, indexes, counters — and the outbox entries, by one Lua script or
/// not at all. Like ServiceDefaults' AtomicChange (same outbox fields), with the checks that a
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
        local checks = tonumber(take())
        for i = 1, checks do
          local op = take()
          local k = KEYS[tonumber(take())]
          if op == 'free' then
            local expected = take()
            local current = redis.call('GET', k)
            if current and current ~= expected then return {0, op, current} end
          elseif op == 'ver' then
            local expected = take()
            local current = redis.call('HGET', k, 'v') or '0'
            if current ~= expected then return {0, op, current} end
          elseif op == 'cap' then
            local formal = KEYS[tonumber(take())]
            local now = take()
            local cap = tonumber(take())
            local countFormal = take()
            local held = redis.call('ZCOUNT', k, '(' .. now, '+inf')
            if countFormal == '0' then held = held - redis.call('ZCOUNT', formal, '(' .. now, '+inf') end
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
          elseif op == 'sadd' then
            redis.call('SADD', k, take())
          elseif op == 'srem' then
            redis.call('SREM', k, take())
          elseif op == 'zadd' then
            local score = take()
            redis.call('ZADD', k, score, take())
          elseif op == 'zrem' then
            redis.call('ZREM', k, take())
          elseif op == 'zprune' then
            redis.call('ZREMRANGEBYSCORE', k, '-inf', take())
          elseif op == 'rpush' then
            redis.call('RPUSH', k, take())
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
    private readonly List<RedisValue> _checks = [];
    private readonly List<RedisValue> _writes = [];
    private readonly List<OutboxEntry> _entries = [];
    private int _checkCount;
    private int _writeCount;

    public bool HasEvents => _entries.Count > 0;

    /// <summary>The string key must be absent or already hold <paramref name="expected"/> (the identity reservation).</summary>
    public CustomerChange RequireFree(RedisKey key, RedisValue expected) => Check("free", key, expected);

    /// <summary>The hash's <c>v</c> must equal <paramref name="version"/> (0: the hash must not exist).</summary>
    public CustomerChange RequireVersion(RedisKey key, long version) => Check("ver", key, version);

    /// <summary>X-1: fewer than <paramref name="cap"/> members scored after <paramref name="nowMs"/> (protected now or pending).</summary>
    public CustomerChange RequireBelowCap(RedisKey held, RedisKey formal, long nowMs, int cap, bool countFormal) =>
        Check("cap", held, Key(formal), nowMs, cap, countFormal ? "1" : "0");

    /// <summary>X-2: the counter is below <paramref name="limit"/>.</summary>
    public CustomerChange RequireBelowQuota(RedisKey counter, int limit) => Check("quota", counter, limit);

    /// <summary>The member must not be in the set yet (applied once).</summary>
    public CustomerChange RequireNotMember(RedisKey set, string member) => Check("once", set, member);

    public CustomerChange Put(RedisKey key, long version, string data) => Write("put", key, version, data);

    public CustomerChange Set(RedisKey key, RedisValue value) => Write("set", key, value);

    /// <summary>Replaces the whole hash with these fields (none: deletes it).</summary>
    public CustomerChange ReplaceHash(RedisKey key, IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        var args = new List<RedisValue> { fields.Count };
        foreach (var (field, value) in fields)
        {
            args.Add(field);
            args.Add(value);
        }

        return Write("hash", key, [.. args]);
    }

    public CustomerChange SetAdd(RedisKey key, string member) => Write("sadd", key, member);

    public CustomerChange SetRemove(RedisKey key, string member) => Write("srem", key, member);

    public CustomerChange SortedAdd(RedisKey key, string member, double score) => Write("zadd", key, Score(score), member);

    public CustomerChange SortedRemove(RedisKey key, string member) => Write("zrem", key, member);

    /// <summary>Removes the members scored up to <paramref name="maxScore"/> (expired announcements).</summary>
    public CustomerChange SortedPrune(RedisKey key, double maxScore) => Write("zprune", key, Score(maxScore));

    public CustomerChange Append(RedisKey list, string value) => Write("rpush", list, value);

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
        var writes = new List<RedisValue>(_writes);
        var writeCount = _writeCount;
        var stream = Key(outbox.StreamKey);
        foreach (var entry in _entries)
        {
            writes.AddRange(["xadd", stream, entry.MessageId, entry.Type, entry.Body, entry.TraceParent]);
            writeCount++;
        }

        var args = new List<RedisValue>(_checks.Count + writes.Count + 2) { _checkCount };
        args.AddRange(_checks);
        args.Add(writeCount);
        args.AddRange(writes);

        var result = (RedisResult[])(await db.ScriptEvaluateAsync(Script, [.. _keys], [.. args]))!;
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
            "ver" => ChangeFailure.VersionMoved,
            "cap" => ChangeFailure.HoldingCap,
            "quota" => ChangeFailure.Quota,
            _ => ChangeFailure.AlreadyApplied,
        };
        return new ChangeResult(failure, (string?)result[2]);
    }

    private CustomerChange Check(string op, RedisKey key, params RedisValue[] args)
    {
        _checks.Add(op);
        _checks.Add(Key(key));
        _checks.AddRange(args);
        _checkCount++;
        return this;
    }

    private CustomerChange Write(string op, RedisKey key, params RedisValue[] args)
    {
        _writes.Add(op);
        _writes.Add(Key(key));
        _writes.AddRange(args);
        _writeCount++;
        return this;
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
