using CustomerProtection.Contracts.Organization;
using CustomerProtection.Registration.Confidentiality.Application;
using MassTransit;

namespace CustomerProtection.Registration.Confidentiality.Consumers;

/// <summary>C-9: a leaver's access to customer data ends at once (their customers go to the pool in <see cref="EmployeeLeftPoolConsumer"/>, P-12).</summary>
public sealed class EmployeeLeftAccessConsumer(EndLeaverAccess endAccess, ILogger<EmployeeLeftAccessConsumer> logger) : IConsumer<EmployeeLeft>
{
    public async Task Consume(ConsumeContext<EmployeeLeft> context)
    {
        var ended = await endAccess.ExecuteAsync(context.Message.Employee.EmployeeId, context.Message.Reason);
        logger.LogInformation("C-9: {EmployeeId} blocked from customer data, {Count} grants ended", context.Message.Employee.EmployeeId, ended);
    }
}
