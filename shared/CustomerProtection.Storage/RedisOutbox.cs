using System.Diagnostics;
using System.Text.Json;
using CustomerProtection.Contracts;
using StackExchange.Redis;

namespace CustomerProtection.Storage;

/// <summary>
/// A service's outbox: a Redis stream written in the same atomic step as the state change
/// (architecture.md), drained by <see cref="OutboxRelay"/> with publisher confirms. Each entry
/// keeps the trace context of the call that caused it, so the trace continues into every consumer.
/// </summary>
public sealed class RedisOutbox(string serviceName)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Under the service's hash tag: the stream is written in the same step as the state (KeySpace).
    public RedisKey StreamKey { get; } = KeySpace.Of(serviceName) + "outbox";
    public RedisKey LeaseKey { get; } = KeySpace.Of(serviceName) + "outbox:lease";

    /// <summary>Wakes the relay right after a commit instead of at its next poll.</summary>
    private SemaphoreSlim Signal { get; } = new(0, int.MaxValue);

    public void NotifyCommitted()
    {
        if (Signal.CurrentCount == 0)
        {
            Signal.Release();
        }
    }

    /// <summary>Waits for the next commit with outbox entries, or for <paramref name="timeout"/> (the relay's idle poll).</summary>
    public Task<bool> WaitForCommitAsync(TimeSpan timeout, CancellationToken cancellationToken) => Signal.WaitAsync(timeout, cancellationToken);

    /// <summary>The fields of one outbox entry for an event.</summary>
    public static OutboxEntry Entry(object message) => new(
        Guid.NewGuid().ToString("D"),
        ContractTypes.NameOf(message.GetType()),
        JsonSerializer.Serialize(message, message.GetType(), Json),
        Activity.Current?.Id ?? "");
}

public sealed record OutboxEntry(string MessageId, string Type, string Body, string TraceParent);
