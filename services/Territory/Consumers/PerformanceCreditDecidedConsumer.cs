using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Territory.Application;
using MassTransit;

namespace CustomerProtection.Territory.Consumers;

/// <summary>P-8.2: hq's decision of a disputed performance credit, applied to the ledger's credit (P-4.3). Idempotent.</summary>
public sealed class PerformanceCreditDecidedConsumer(ApplyCreditDecision apply) : IConsumer<PerformanceCreditDecided>
{
    public Task Consume(ConsumeContext<PerformanceCreditDecided> context) => apply.ExecuteAsync(context.Message);
}
