using CustomerProtection.Arbitration.Application;
using CustomerProtection.Contracts.Territory;
using MassTransit;

namespace CustomerProtection.Arbitration.Consumers;

/// <summary>Territory's shipments into our own record of deals (P-2.4 "deal" milestone, P-8.1 annual shipments). Idempotent.</summary>
public sealed class SaleRecordedConsumer(RecordDeal record) : IConsumer<SaleRecorded>
{
    public Task Consume(ConsumeContext<SaleRecorded> context) => record.ApplyAsync(context.Message);
}
