using StackExchange.Redis;

namespace CustomerProtection.Storage;

/// <summary>A due entry handed to one claimer: its member, the instant it fell due and the end of the claimer's lease (Unix ms).</summary>
public readonly record struct DueClaim(string Member, long DueAt, long LeasedUntil);

/// <summary>
/// The due-queue (architecture.md, Time): members of a sorted set scored by the instant they fall due
/// (Unix ms of the business clock). A worker claims the entries due now with a lease — the entry's
/// score pushed to the lease's end in the same script, so no other replica claims it meanwhile and a
/// crashed claimer's entries come due again by themselves — then settles each in the aggregate's own
/// atomic step (removed, or rescheduled at the next deadline: <see cref="AtomicChange.IndexRemove"/>,
/// <see cref="AtomicChange.IndexAdd"/>) or releases it back to its due instant to be tried at the next
/// poll. Whatever the claimer does, the aggregate's version guard decides: a late, early or repeated
/// claim, or two replicas at once, act on a deadline once.
/// <para>
/// Two layouts, one key scheme each, both as stored before this type existed: <see cref="Flat"/>, one
/// sorted set; <see cref="Bucketed"/> for millions of entries (Registration: one per protected
/// customer), the entries of each bucket of neighbouring ids in a small sorted set of its own (a compact
/// listpack, ~15 bytes an entry instead of a skiplist's ~100) and a top level holding each bucket at its
/// earliest score, or not at all when it is empty.
/// </para>
/// </summary>
public sealed class DueQueue
{
    // Guarantees: an entry due now goes to one claimer until its lease ends; a bucket stays in the top
    // level at its earliest score. KEYS[1]: the queue (flat) or its top level; KEYS[2..]: the entry sets
    // of the buckets found due (bucketed), ARGV[4..] their names. ARGV: now, count, lease end (Unix ms).
    private const string LeaseDueEntries =
        """
        local now, count, leaseUntil = ARGV[1], tonumber(ARGV[2]), ARGV[3]
        local claimed = {}
        local function lease(entries)
          local items = redis.call('ZRANGEBYSCORE', entries, '-inf', now, 'WITHSCORES', 'LIMIT', 0, count - #claimed / 2)
          for i = 1, #items, 2 do
            redis.call('ZADD', entries, leaseUntil, items[i])
            claimed[#claimed + 1] = items[i]
            claimed[#claimed + 1] = items[i + 1]
          end
        end
        if #KEYS == 1 then lease(KEYS[1]) return claimed end
        for i = 2, #KEYS do
          lease(KEYS[i])
          local first = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
          if first[2] then redis.call('ZADD', KEYS[1], first[2], ARGV[i + 2]) else redis.call('ZREM', KEYS[1], ARGV[i + 2]) end
          if #claimed / 2 >= count then break end
        end
        return claimed
        """;

    // Guarantees: a release undoes only its own lease — an entry settled (removed) or rescheduled since
    // the claim, or claimed again by another replica after the lease ended, is left as it is.
    private static readonly LuaScript ReturnIfStillLeased = LuaScript.Prepare(
        """
        local score = redis.call('ZSCORE', @entries, @member)
        if not score or tonumber(score) ~= tonumber(@leaseUntil) then return 0 end
        redis.call('ZADD', @entries, @dueAt, @member)
        if @bucket ~= '' then
          local first = redis.call('ZRANGE', @entries, 0, 0, 'WITHSCORES')
          redis.call('ZADD', @queue, first[2], @bucket)
        end
        return 1
        """);

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKey _queue;
    private readonly string _prefix;
    private readonly Func<string, string>? _bucketOf;

    private DueQueue(IConnectionMultiplexer redis, RedisKey queue, string prefix, Func<string, string>? bucketOf)
    {
        _redis = redis;
        _queue = queue;
        _prefix = prefix;
        _bucketOf = bucketOf;
    }

    /// <summary>One sorted set, <paramref name="key"/>: member → due instant.</summary>
    public static DueQueue Flat(IConnectionMultiplexer redis, RedisKey key) => new(redis, key, "", null);

    /// <summary>
    /// Buckets: a member's entry in <c>{entriesPrefix}{{bucket}}</c> (<paramref name="bucketOf"/> the
    /// member), the top level <paramref name="top"/> holding each bucket at its earliest score.
    /// </summary>
    public static DueQueue Bucketed(IConnectionMultiplexer redis, RedisKey top, string entriesPrefix, Func<string, string> bucketOf) =>
        new(redis, top, entriesPrefix, bucketOf);

    private IDatabase Db => _redis.GetDatabase();

    /// <summary>The sorted set that holds <paramref name="member"/>'s entry.</summary>
    public RedisKey EntriesOf(string member) => _bucketOf is null ? _queue : BucketKey(_bucketOf(member));

    private RedisKey BucketKey(string bucket) => $"{_prefix}{{{bucket}}}";

    /// <summary>Up to <paramref name="count"/> entries due at <paramref name="now"/>, earliest bucket first, each leased to the caller for <paramref name="lease"/>.</summary>
    public async Task<IReadOnlyList<DueClaim>> ClaimAsync(DateTimeOffset now, int count, TimeSpan lease)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var leaseUntil = (now + lease).ToUnixTimeMilliseconds();
        RedisKey[] keys = [_queue];
        RedisValue[] args = [nowMs, count, leaseUntil];
        if (_bucketOf is not null)
        {
            // The buckets due now, then their entries leased in one script with every key in KEYS (a cluster
            // routes by them); a bucket that moved between the two is settled at its own earliest score.
            var buckets = await Db.SortedSetRangeByScoreAsync(_queue, double.NegativeInfinity, nowMs, take: count);
            if (buckets.Length == 0)
            {
                return [];
            }

            keys = [_queue, .. buckets.Select(b => BucketKey(b!))];
            args = [.. args, .. buckets];
        }

        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(LeaseDueEntries, keys, args))!;
        var claims = new DueClaim[result.Length / 2];
        for (var i = 0; i < claims.Length; i++)
        {
            claims[i] = new((string)result[2 * i]!, (long)(double)result[2 * i + 1], leaseUntil);
        }

        return claims;
    }

    /// <summary>Puts a claimed entry back at its due instant, unless it was settled, rescheduled or claimed again since (see the script).</summary>
    public async Task<bool> ReleaseAsync(DueClaim claim) =>
        (int)await Db.ScriptEvaluateAsync(ReturnIfStillLeased, new
        {
            entries = EntriesOf(claim.Member),
            queue = _queue,
            bucket = _bucketOf?.Invoke(claim.Member) ?? "",
            member = claim.Member,
            dueAt = claim.DueAt,
            leaseUntil = claim.LeasedUntil,
        }) == 1;

    /// <summary>When the member falls due, Unix ms (a leased entry: its lease's end), or null when nothing is due for it.</summary>
    public async Task<long?> DueAtAsync(string member) =>
        await Db.SortedSetScoreAsync(EntriesOf(member), member) is { } score ? (long)score : null;

    /// <summary>
    /// Nothing is due for the member any more (its aggregate is gone or was settled elsewhere). Flat
    /// queues only: a bucketed entry is removed in its owner's atomic step, which keeps the top level too.
    /// </summary>
    public Task<bool> RemoveAsync(string member) =>
        _bucketOf is null ? Db.SortedSetRemoveAsync(_queue, member) : throw new InvalidOperationException("a bucketed entry is removed in its owner's atomic step");
}
