using System.Diagnostics;
using System.Text.Json;
using CustomerProtection.Contracts;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CustomerProtection.ServiceDefaults.Messaging;

/// <summary>
/// Publishes outbox entries in order and deletes each only after the broker confirmed it, so a
/// broker outage delays events and never loses them. One replica relays at a time (a lease), so
/// order holds. A crash between confirm and delete republishes the entry with the same message id:
/// consumers are idempotent, nothing is applied twice.
/// </summary>
internal sealed class OutboxRelay(RedisOutbox outbox, IConnectionMultiplexer redis, IBus bus, ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int BatchSize = 256;
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private static readonly LuaScript TakeOrRenewLease = LuaScript.Prepare(
        """
        local holder = redis.call('GET', @key)
        if holder == false or holder == @me then
          redis.call('SET', @key, @me, 'PX', @ms)
          return 1
        end
        return 0
        """);

    private readonly string _instance = Guid.NewGuid().ToString("N");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var published = await HoldsLeaseAsync() ? await RelayBatchAsync(stoppingToken) : 0;
                backoff = TimeSpan.FromMilliseconds(100);
                if (published < BatchSize)
                {
                    await outbox.Signal.WaitAsync(IdlePoll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisException or MassTransitException or TimeoutException or OperationCanceledException or InvalidOperationException)
            {
                logger.LogWarning(ex, "Outbox relay could not publish; retrying in {Backoff}", backoff);
                await Task.Delay(backoff, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private async Task<bool> HoldsLeaseAsync() =>
        (int)await redis.GetDatabase().ScriptEvaluateAsync(TakeOrRenewLease, new { key = outbox.LeaseKey, me = _instance, ms = (long)LeaseTime.TotalMilliseconds }) == 1;

    private async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var entries = await db.StreamRangeAsync(outbox.StreamKey, "-", "+", BatchSize);
        foreach (var entry in entries)
        {
            await PublishAsync(entry, cancellationToken);
            await db.StreamDeleteAsync(outbox.StreamKey, [entry.Id]);
        }

        return entries.Length;
    }

    private async Task PublishAsync(StreamEntry entry, CancellationToken cancellationToken)
    {
        var messageId = Guid.Parse((string)entry["id"]!);
        var type = ContractTypes.Resolve((string)entry["type"]!);
        var message = JsonSerializer.Deserialize((string)entry["body"]!, type, RedisOutbox.Json)!;

        // Continue the trace of the call that wrote the entry, so MassTransit's send span and every
        // consumer's span share its trace id.
        ActivityContext.TryParse((string?)entry["traceparent"], null, out var parent);
        using var activity = Telemetry.Source.StartActivity($"outbox publish {type.Name}", ActivityKind.Internal, parent);

        await bus.Publish(message, type, context => context.MessageId = messageId, cancellationToken);
    }
}
