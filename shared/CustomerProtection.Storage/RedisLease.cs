using StackExchange.Redis;

namespace CustomerProtection.Storage;

/// <summary>
/// "One replica at a time" for a background loop (the outbox relay, the audit chain): whoever holds the
/// key renews it on every round; another replica takes it over once it has not been renewed for
/// <paramref name="time"/> (a crashed holder).
/// </summary>
public sealed class RedisLease(IConnectionMultiplexer redis, RedisKey key, TimeSpan time)
{
    private static readonly LuaScript TakeOrRenew = LuaScript.Prepare(
        """
        local holder = redis.call('GET', @key)
        if holder == false or holder == @me then
          redis.call('SET', @key, @me, 'PX', @ms)
          return 1
        end
        return 0
        """);

    private readonly string _instance = Guid.NewGuid().ToString("N");

    /// <summary>Takes the lease or renews it; false while another replica holds it.</summary>
    public async Task<bool> HoldAsync() =>
        (int)await redis.GetDatabase().ScriptEvaluateAsync(TakeOrRenew, new { key, me = _instance, ms = (long)time.TotalMilliseconds }) == 1;
}
