using CustomerProtection.Contracts.Violations;
using CustomerProtection.Territory.Application;
using MassTransit;

namespace CustomerProtection.Territory.Consumers;

/// <summary>P-7: a confirmed violation by a point-to-area dealer where the region has a direct branch puts it in hq's queue. Idempotent.</summary>
public sealed class ViolationConfirmedConsumer(ReviewDealerAfterViolation review) : IConsumer<ViolationConfirmed>
{
    public Task Consume(ConsumeContext<ViolationConfirmed> context) => review.ExecuteAsync(context.Message);
}
