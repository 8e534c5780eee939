using CustomerProtection.Contracts.Organization;
using CustomerProtection.Notifications.Application;
using MassTransit;

namespace CustomerProtection.Notifications.Consumers;

// Territory's organisation events, copied into the worker's own keyspace: names, e-mail addresses, who
// manages a branch, its secretaries, hq. Each copy keeps only the newest version (CopyDirectory).

public sealed class BranchChangedConsumer(CopyDirectory copy) : IConsumer<BranchChanged>
{
    public Task Consume(ConsumeContext<BranchChanged> context) => copy.ApplyAsync(context.Message.Branch, context.Message.Version);
}

public sealed class EmployeeJoinedConsumer(CopyDirectory copy) : IConsumer<EmployeeJoined>
{
    public Task Consume(ConsumeContext<EmployeeJoined> context) => copy.ApplyAsync(context.Message.Employee, context.Message.Version);
}

public sealed class EmployeeChangedConsumer(CopyDirectory copy) : IConsumer<EmployeeChanged>
{
    public Task Consume(ConsumeContext<EmployeeChanged> context) => copy.ApplyAsync(context.Message.Employee, context.Message.Version);
}

/// <summary>A leaver is told nothing more (RecordNotice skips them).</summary>
public sealed class EmployeeLeftConsumer(CopyDirectory copy) : IConsumer<EmployeeLeft>
{
    public Task Consume(ConsumeContext<EmployeeLeft> context) => copy.ApplyAsync(context.Message.Employee, context.Message.Version);
}
