using MassTransit;

namespace CustomerProtection.Messaging;

public static class EventIds
{
    /// <summary>
    /// An event's id for a once-only marker: its message id, which the producer's outbox stamps once
    /// (<see cref="OutboxRelay"/>), so every redelivery of the event carries the same one.
    /// </summary>
    public static string Of(ConsumeContext context) =>
        context.MessageId?.ToString("N") ?? throw new InvalidOperationException("an event without a message id (every outbox stamps one)");
}
