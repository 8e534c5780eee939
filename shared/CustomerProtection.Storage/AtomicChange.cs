using CustomerProtection.Storage;
using StackExchange.Redis;

namespace CustomerProtection.Storage;

/// <summary>
/// One atomic Redis step (architecture.md): version checks on aggregates, their new states, the
/// index updates and the outbox entries, applied together by one Lua script or not at all.
/// Aggregates are hashes with <c>v</c> (version) and <c>d</c> (JSON state).
/// </summary>
public sealed class AtomicChange
{
    // Layout of ARGV: guard count, (expected version)*, put count, (version, data)*, index count,
    // (op, score, member)*, entry count, (id, type, body, traceparent)*. KEYS in the same order, the
    // outbox stream last.
    private const string Script =
        """
        local a = 1
        local k = 0
        local guards = tonumber(ARGV[a]); a = a + 1
        for g = 1, guards do
          k = k + 1
          local current = redis.call('HGET', KEYS[k], 'v') or '0'
          if current ~= ARGV[a] then return {0, KEYS[k], current} end
          a = a + 1
        end
        local puts = tonumber(ARGV[a]); a = a + 1
        for p = 1, puts do
          k = k + 1
          redis.call('HSET', KEYS[k], 'v', ARGV[a], 'd', ARGV[a + 1])
          a = a + 2
        end
        local indexes = tonumber(ARGV[a]); a = a + 1
        for x = 1, indexes do
          k = k + 1
          if ARGV[a] == '+' then
            redis.call('ZADD', KEYS[k], ARGV[a + 1], ARGV[a + 2])
          else
            redis.call('ZREM', KEYS[k], ARGV[a + 2])
          end
          a = a + 3
        end
        local entries = tonumber(ARGV[a]); a = a + 1
        for e = 1, entries do
          redis.call('XADD', KEYS[#KEYS], '*', 'id', ARGV[a], 'type', ARGV[a + 1], 'body', ARGV[a + 2], 'traceparent', ARGV[a + 3])
          a = a + 4
        end
        return {1}
        """;

    private readonly List<(RedisKey Key, long Expected)> _guards = [];
    private readonly List<(RedisKey Key, long Version, string Data)> _puts = [];
    private readonly List<(RedisKey Key, bool Add, double Score, string Member)> _indexes = [];
    private readonly List<OutboxEntry> _entries = [];

    /// <summary>The aggregate must be at this version (0: must not exist).</summary>
    public AtomicChange Expect(RedisKey key, long version)
    {
        _guards.Add((key, version));
        return this;
    }

    public AtomicChange Put(RedisKey key, long version, string data)
    {
        _puts.Add((key, version, data));
        return this;
    }

    public AtomicChange IndexAdd(RedisKey sortedSet, string member, double score = 0)
    {
        _indexes.Add((sortedSet, true, score, member));
        return this;
    }

    public AtomicChange IndexRemove(RedisKey sortedSet, string member)
    {
        _indexes.Add((sortedSet, false, 0, member));
        return this;
    }

    public AtomicChange Publish(object message)
    {
        _entries.Add(RedisOutbox.Entry(message));
        return this;
    }

    /// <summary>Applies everything, or nothing when a guard fails (returns the conflicting key).</summary>
    public async Task<CommitResult> CommitAsync(IDatabaseAsync db, RedisOutbox outbox)
    {
        var keys = new List<RedisKey>();
        var args = new List<RedisValue> { _guards.Count };
        foreach (var (key, expected) in _guards)
        {
            keys.Add(key);
            args.Add(expected);
        }

        args.Add(_puts.Count);
        foreach (var (key, version, data) in _puts)
        {
            keys.Add(key);
            args.Add(version);
            args.Add(data);
        }

        args.Add(_indexes.Count);
        foreach (var (key, add, score, member) in _indexes)
        {
            keys.Add(key);
            args.Add(add ? "+" : "-");
            args.Add(score);
            args.Add(member);
        }

        args.Add(_entries.Count);
        foreach (var entry in _entries)
        {
            args.Add(entry.MessageId);
            args.Add(entry.Type);
            args.Add(entry.Body);
            args.Add(entry.TraceParent);
        }

        keys.Add(outbox.StreamKey);
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(Script, [.. keys], [.. args]))!;
        if ((int)result[0] == 1)
        {
            if (_entries.Count > 0)
            {
                outbox.NotifyCommitted();
            }

            return CommitResult.Committed;
        }

        return new CommitResult(false, (string?)result[1], (long)result[2]);
    }
}

public sealed record CommitResult(bool Succeeded, string? ConflictKey, long ConflictVersion)
{
    public static readonly CommitResult Committed = new(true, null, 0);
}
