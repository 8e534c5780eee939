using CustomerProtection.Messaging;
using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Penalty;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Notifications.Application;
using CustomerProtection.Notifications.Domain;
using MassTransit;

namespace CustomerProtection.Notifications.Consumers;

// The events that are notices (X-3, P-2.1, P-10, P-2.4, P-9, P-8, M-3, M-1, P-7), each handed to RecordNotice under its
// message id: the producer's outbox stamps it once, so every redelivery of an event carries the same id and
// the event becomes its deliveries once.

public sealed class ProtectionReminderDueConsumer(RecordNotice record) : IConsumer<ProtectionReminderDue>
{
    public Task Consume(ConsumeContext<ProtectionReminderDue> context) => record.ApplyAsync(EventIds.Of(context), Notices.From(context.Message));
}

public sealed class ProtectionLapsedConsumer(RecordNotice record) : IConsumer<ProtectionLapsed>
{
    public Task Consume(ConsumeContext<ProtectionLapsed> context) => record.ApplyAsync(EventIds.Of(context), Notices.From(context.Message));
}

public sealed class FilingApprovedConsumer(RecordNotice record) : IConsumer<FilingApproved>
{
    public Task Consume(ConsumeContext<FilingApproved> context) => record.ApplyAsync(EventIds.Of(context), Notices.From(context.Message));
}

public sealed class CrossRegionEscalatedConsumer(RecordNotice record) : IConsumer<CrossRegionEscalated>
{
    public Task Consume(ConsumeContext<CrossRegionEscalated> context) => record.ApplyAsync(EventIds.Of(context), Notices.From(context.Message));
}

public sealed class OwnershipAwardedConsumer(RecordNotice record) : IConsumer<OwnershipAwarded>
{
    public Task Consume(ConsumeContext<OwnershipAwarded> context) => record.ApplyAsync(EventIds.Of(context), Notices.From(context.Message));
}

public sealed class PenaltyImposedConsumer(RecordNotice record) : IConsumer<PenaltyImposed>
{
    public Task Consume(ConsumeContext<PenaltyImposed> context) => record.ApplyAsync(EventIds.Of(context), Notices.From(context.Message));
}

public sealed class CustomerComplaintEscalatedConsumer(RecordNotice record) : IConsumer<CustomerComplaintEscalated>
{
    public Task Consume(ConsumeContext<CustomerComplaintEscalated> context) => record.ApplyAsync(EventIds.Of(context), Notices.From(context.Message));
}

public sealed class FollowUpOverdueConsumer(RecordNotice record) : IConsumer<FollowUpOverdue>
{
    public Task Consume(ConsumeContext<FollowUpOverdue> context) => record.ApplyAsync(EventIds.Of(context), Notices.From(context.Message));
}

public sealed class DealerRightToStayEndedConsumer(RecordNotice record) : IConsumer<DealerRightToStayEnded>
{
    public Task Consume(ConsumeContext<DealerRightToStayEnded> context) => record.ApplyAsync(EventIds.Of(context), Notices.From(context.Message));
}
