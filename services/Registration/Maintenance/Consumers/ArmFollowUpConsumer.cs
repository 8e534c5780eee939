using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Maintenance.Application;
using MassTransit;

namespace CustomerProtection.Registration.Maintenance.Consumers;

/// <summary>
/// M-1: a customer that gets an owner (approved, claimed, awarded, reallocated, imported) enters the
/// follow-up due-queue at its first deadline. Idempotent: arming again sets the same instant.
/// </summary>
public sealed class ArmFollowUpConsumer(FollowUpReminders reminders) : IConsumer<OwnershipChanged>
{
    public Task Consume(ConsumeContext<OwnershipChanged> context) =>
        context.Message.ToOwnerId is null ? Task.CompletedTask : reminders.ArmAsync(context.Message.CustomerId);
}
