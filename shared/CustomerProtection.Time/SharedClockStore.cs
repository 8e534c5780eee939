using StackExchange.Redis;

namespace CustomerProtection.Time;

/// <summary>
/// Where the shared clock's offset lives: one Redis key for the whole system (not a service's
/// keyspace: it is test and demo infrastructure) and one pub/sub channel that tells every service
/// at once when it moved.
/// </summary>
public sealed class SharedClockStore(IConnectionMultiplexer redis)
{
    public static readonly RedisKey OffsetKey = "cp:system:clock:offset-ticks";
    public static readonly RedisChannel Channel = RedisChannel.Literal("cp:system:clock");

    // Move and announce in one step, so that no service can read a new offset nobody announced.
    private static readonly LuaScript AdvanceScript = LuaScript.Prepare(
        """
        local offset = redis.call('INCRBY', @key, @by)
        redis.call('PUBLISH', @channel, offset)
        return offset
        """);

    public async Task<TimeSpan> ReadAsync()
    {
        var value = await redis.GetDatabase().StringGetAsync(OffsetKey);
        return value.TryParse(out long ticks) ? TimeSpan.FromTicks(ticks) : TimeSpan.Zero;
    }

    public async Task<TimeSpan> AdvanceAsync(TimeSpan by)
    {
        var result = await redis.GetDatabase().ScriptEvaluateAsync(AdvanceScript, new
        {
            key = OffsetKey,
            by = by.Ticks,
            // An argument, not a key: a channel is no key, and as a second key it would be another hash slot (a cluster refuses).
            channel = Channel.ToString(),
        });
        return TimeSpan.FromTicks((long)result);
    }

    public Task SubscribeAsync(Action<TimeSpan> onOffset) =>
        redis.GetSubscriber().SubscribeAsync(Channel, (_, value) =>
        {
            if (value.TryParse(out long ticks))
            {
                onOffset(TimeSpan.FromTicks(ticks));
            }
        });
}
