using CustomerProtection.Arbitration.Application;
using CustomerProtection.Contracts.Registration;
using MassTransit;

namespace CustomerProtection.Arbitration.Consumers;

/// <summary>Registration's refusal to apply an award (C-9, P-12, X-1, P-2.5) onto its case: the decider decides again. Idempotent.</summary>
public sealed class OwnershipAwardRefusedConsumer(RecordAwardRefusal record) : IConsumer<OwnershipAwardRefused>
{
    public Task Consume(ConsumeContext<OwnershipAwardRefused> context) => record.ApplyAsync(context.Message, context.CancellationToken);
}
