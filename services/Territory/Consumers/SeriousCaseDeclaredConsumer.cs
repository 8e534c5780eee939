using CustomerProtection.Contracts.Penalty;
using CustomerProtection.Territory.Application;
using MassTransit;

namespace CustomerProtection.Territory.Consumers;

/// <summary>P-8.3: hq's dismissal in a serious case is a departure (P-12, C-9). Idempotent.</summary>
public sealed class SeriousCaseDeclaredConsumer(RecordEmployeeLeft leave) : IConsumer<SeriousCaseDeclared>
{
    public Task Consume(ConsumeContext<SeriousCaseDeclared> context) => leave.DismissAsync(context.Message);
}
