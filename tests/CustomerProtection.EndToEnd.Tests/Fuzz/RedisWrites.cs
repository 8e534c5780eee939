using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using StackExchange.Redis;

namespace CustomerProtection.EndToEnd.Tests.Fuzz;

/// <summary>
/// The keys written in Redis while a call ran, from keyspace notifications (switched on for the fuzz test and
/// restored after). A marker key incremented after the call fences the notifications: Redis delivers them in order,
/// so once the marker's has arrived, every write the call made has too.
/// </summary>
public sealed partial class RedisWrites : IAsyncDisposable
{
    private const string Marker = "fuzz:marker";
    private readonly ConnectionMultiplexer _redis;
    private readonly string _previousSetting;
    private readonly ConcurrentQueue<string> _written = new();
    private readonly SemaphoreSlim _markers = new(0);
    private long _writes;

    private RedisWrites(ConnectionMultiplexer redis, string previousSetting)
    {
        _redis = redis;
        _previousSetting = previousSetting;
    }

    /// <summary>
    /// Keys the services write on their own, whatever a caller does: leases of the background loops and the outbox
    /// relay (renewed every few seconds), the outbox stream the relay trims, the shared clock's offset, the marker.
    /// </summary>
    [GeneratedRegex(@"(^|:)lease($|:)|:outbox(:lease)?$|^cp:system:clock|^fuzz:")]
    public static partial Regex Background();

    public static async Task<RedisWrites> StartAsync(SystemFixture system)
    {
        var connectionString = await system.App.GetConnectionStringAsync(ResourceNames.Redis) ?? throw new InvalidOperationException("no redis");
        var redis = await ConnectionMultiplexer.ConnectAsync(connectionString + ",allowAdmin=true");
        var server = redis.GetServers().Single();
        var previous = (await server.ConfigGetAsync("notify-keyspace-events")).SingleOrDefault().Value ?? "";
        // K: keyspace channel (the key in the name); every write event class, not expirations or evictions.
        await server.ConfigSetAsync("notify-keyspace-events", "Kg$lshzt");
        var writes = new RedisWrites(redis, previous);
        // The queue form, not the handler form: handlers run concurrently, so the marker's notification could be
        // observed before a write that Redis published ahead of it; the queue keeps Redis's order, which the fence needs.
        var notifications = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Pattern("__keyspace@*__:*"));
        notifications.OnMessage(message => writes.Observe(message.Channel!));
        return writes;
    }

    private void Observe(string channel)
    {
        var key = channel[(channel.IndexOf("__:", StringComparison.Ordinal) + 3)..];
        if (key == Marker)
        {
            _markers.Release();
        }
        else if (!Background().IsMatch(key))
        {
            Interlocked.Increment(ref _writes);
            _written.Enqueue(key);
        }
    }

    /// <summary>Forgets what was written before the call about to be made.</summary>
    public async Task BeginAsync() => _ = await FenceAsync();

    /// <summary>The keys written since <see cref="BeginAsync"/>, background keys left out.</summary>
    public async Task<IReadOnlyList<string>> EndAsync() => await FenceAsync();

    private async Task<IReadOnlyList<string>> FenceAsync()
    {
        await _redis.GetDatabase().StringIncrementAsync(Marker);
        if (!await _markers.WaitAsync(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("the marker's keyspace notification did not arrive");
        }

        var keys = new List<string>();
        while (_written.TryDequeue(out var key))
        {
            keys.Add(key);
        }

        return keys;
    }

    /// <summary>
    /// After a call that was accepted: waits until what it set in motion (events consumed by other services) has
    /// stopped writing — no write for a quiet spell, at most 10 s — so the next call is not blamed for it.
    /// </summary>
    public async Task SettleAsync()
    {
        var quiet = TimeSpan.FromMilliseconds(300);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        long before;
        do
        {
            before = Interlocked.Read(ref _writes);
            await Task.Delay(quiet);
        }
        while (Interlocked.Read(ref _writes) != before && watch.Elapsed < TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        await _redis.GetServers().Single().ConfigSetAsync("notify-keyspace-events", _previousSetting);
        await _redis.DisposeAsync();
        _markers.Dispose();
    }
}
