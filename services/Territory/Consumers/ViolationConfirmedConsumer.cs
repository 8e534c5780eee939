using CustomerProtection.Contracts.Penalty;
using CustomerProtection.Contracts.Violations;
using CustomerProtection.Territory.Application;
using MassTransit;

namespace CustomerProtection.Territory.Consumers;

/// <summary>P-7: a confirmed violation by a point-to-area dealer where the region has a direct branch puts it in hq's queue. Idempotent.</summary>
public sealed class ViolationConfirmedConsumer(ReviewDealerAfterViolation review) : IConsumer<ViolationConfirmed>
{
    public Task Consume(ConsumeContext<ViolationConfirmed> context) => review.ExecuteAsync(context.Message);
}

/// <summary>P-7: hq let a dealer's detected violation's fine stand in Penalty: the violation is confirmed, as by a case. Idempotent.</summary>
public sealed class FineConfirmedConsumer(ReviewDealerAfterViolation review) : IConsumer<FineConfirmed>
{
    public Task Consume(ConsumeContext<FineConfirmed> context) => review.ExecuteAsync(context.Message);
}
