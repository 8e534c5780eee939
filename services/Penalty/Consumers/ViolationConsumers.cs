using CustomerProtection.Contracts.Violations;
using CustomerProtection.Penalty.Application;
using MassTransit;

namespace CustomerProtection.Penalty.Consumers;

// Violations reach the Penalty service only as events (P-5, P-6, P-4.x from Territory and
// Registration; decided cases from Arbitration); it never reads their stores. Both consumers go
// through the one use case, which is idempotent: a redelivered or repeated event changes nothing
// and publishes nothing new, in whatever order a violation's events arrive.

public sealed class ViolationDetectedConsumer(RecordViolation record) : IConsumer<ViolationDetected>
{
    public Task Consume(ConsumeContext<ViolationDetected> context) => record.ApplyAsync(ViolationReports.From(context.Message));
}

/// <summary>Arbitration's decision, or hq's finding on a detected violation: P-8.1 joint liability of the manager.</summary>
public sealed class ViolationConfirmedConsumer(RecordViolation record) : IConsumer<ViolationConfirmed>
{
    public Task Consume(ConsumeContext<ViolationConfirmed> context) => record.ApplyAsync(ViolationReports.From(context.Message));
}

/// <summary>
/// How many violations are handled at once. Each waits on two Redis round trips (read, atomic
/// commit), so a few dozen in flight keep the service busy while Redis answers; two reports on the
/// same violator or violation at once only cost a re-read (optimistic concurrency).
/// </summary>
public sealed class ViolationDetectedConsumerDefinition : ConsumerDefinition<ViolationDetectedConsumer>
{
    public ViolationDetectedConsumerDefinition() => ConcurrentMessageLimit = ViolationConsumerSettings.ConcurrentMessages;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ViolationDetectedConsumer> consumerConfigurator, IRegistrationContext context) =>
        ViolationConsumerSettings.Prefetch(endpointConfigurator);
}

public sealed class ViolationConfirmedConsumerDefinition : ConsumerDefinition<ViolationConfirmedConsumer>
{
    public ViolationConfirmedConsumerDefinition() => ConcurrentMessageLimit = ViolationConsumerSettings.ConcurrentMessages;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ViolationConfirmedConsumer> consumerConfigurator, IRegistrationContext context) =>
        ViolationConsumerSettings.Prefetch(endpointConfigurator);
}

internal static class ViolationConsumerSettings
{
    public const int ConcurrentMessages = 32;

    public static void Prefetch(IReceiveEndpointConfigurator endpoint)
    {
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = ConcurrentMessages * 2;
        }
    }
}
