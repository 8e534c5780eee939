using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Organization;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Registration.Application;
using MassTransit;

namespace CustomerProtection.Registration.Consumers;

// Other services' facts that change customers. Each reaction is idempotent by construction: the
// use case changes nothing (and publishes nothing) when the fact was applied before.

/// <summary>P-12, C-9: a leaver's customers go to the branch's pool, their co-developments end.</summary>
public sealed class EmployeeLeftPoolConsumer(ReleaseLeaverCustomers release, ILogger<EmployeeLeftPoolConsumer> logger) : IConsumer<EmployeeLeft>
{
    public async Task Consume(ConsumeContext<EmployeeLeft> context)
    {
        var moved = await release.ExecuteAsync(context.Message.Employee.EmployeeId, context.Message.Reason);
        logger.LogInformation("P-12: {Count} customers of {EmployeeId} released to the pool", moved, context.Message.Employee.EmployeeId);
    }
}

/// <summary>P-1.1, P-3.1: a shipment makes a prospect formal and restarts the formal period.</summary>
public sealed class SaleRecordedConsumer(RecordShipment shipments) : IConsumer<SaleRecorded>
{
    public Task Consume(ConsumeContext<SaleRecorded> context) => shipments.FromSaleAsync(context.Message);
}

/// <summary>An ownership case opened: the customer is disputed.</summary>
public sealed class CaseOpenedConsumer(ApplyCaseDecisions cases) : IConsumer<CaseOpened>
{
    public Task Consume(ConsumeContext<CaseOpened> context) => cases.OpenedAsync(context.Message);
}

/// <summary>An ownership case closed: the dispute marker is lifted.</summary>
public sealed class CaseClosedConsumer(ApplyCaseDecisions cases) : IConsumer<CaseClosed>
{
    public Task Consume(ConsumeContext<CaseClosed> context) => cases.ClosedAsync(context.Message);
}

/// <summary>P-2.4, P-9, P-13: Arbitration decided who owns the customer.</summary>
public sealed class OwnershipAwardedConsumer(ApplyCaseDecisions cases) : IConsumer<OwnershipAwarded>
{
    public Task Consume(ConsumeContext<OwnershipAwarded> context) => cases.AwardedAsync(context.Message);
}
