using System.Diagnostics;
using System.Text.Json;
using CustomerProtection.Contracts;
using CustomerProtection.Storage;
using CustomerProtection.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CustomerProtection.Messaging;

/// <summary>
/// Publishes outbox entries and deletes each only after the broker confirmed it, so a broker outage
/// delays events and never loses them. One replica relays at a time (a lease), so an entry is not
/// published by two replicas at once. A crash between confirm and delete republishes the entry with
/// the same message id: consumers are idempotent, nothing is applied twice.
/// </summary>
internal sealed class OutboxRelay(RedisOutbox outbox, IConnectionMultiplexer redis, IBus bus, LoopHealth health, ILogger<OutboxRelay> logger)
    : SupervisedLoop(health, logger)
{
    private const int BatchSize = 256;
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A publish the broker has not confirmed by then is abandoned: the entry stays and goes again, under the
    /// same message id, with the next batch. Without it one lost confirm held the relay (and its lease) for good.
    /// </summary>
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(15);

    private readonly RedisLease _lease = new(redis, outbox.LeaseKey, LeaseTime);

    protected override string Name => "outbox relay";

    protected override async Task PassAsync(CancellationToken stoppingToken)
    {
        var published = await _lease.HoldAsync() ? await RelayBatchAsync(stoppingToken) : 0;
        if (published < BatchSize)
        {
            await outbox.WaitForCommitAsync(IdlePoll, stoppingToken);
        }
    }

    /// <summary>
    /// Publishes a batch concurrently (the broker confirms them together, ~2 ms a round trip here, so
    /// one at a time capped the relay at ~465 events/s) and deletes the confirmed ones with one XDEL.
    /// Entries of one batch may reach the broker in another order than they were written; that gives
    /// up nothing: consumers run concurrently (prefetch, several in flight), so no consumer could rely
    /// on the broker's order anyway — every consumer is idempotent and guarded by versions or ids.
    /// An entry whose publish failed stays in the stream and is retried with the next batch.
    /// </summary>
    private async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var entries = await db.StreamRangeAsync(outbox.StreamKey, "-", "+", BatchSize);
        if (entries.Length == 0)
        {
            return 0;
        }

        var publishes = entries.Select(entry => PublishAsync(entry, cancellationToken)).ToArray();
        try
        {
            await Task.WhenAll(publishes);
        }
        finally
        {
            var confirmed = entries.Where((_, i) => publishes[i].IsCompletedSuccessfully).Select(e => e.Id).ToArray();
            if (confirmed.Length > 0)
            {
                await db.StreamDeleteAsync(outbox.StreamKey, confirmed);
            }
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

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PublishTimeout);
        await bus.Publish(message, type, context => context.MessageId = messageId, timeout.Token);
    }
}
