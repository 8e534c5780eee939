using CustomerProtection.Contracts.Organization;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Registration.Domain;
using MassTransit;

namespace CustomerProtection.Registration.Consumers;

// Territory's organisation events, copied into Registration's own keyspace: who is whose manager,
// which branch auto-approves (P-2.1), which identities are dealers (P-6). Each copy keeps only the
// newest version, so a redelivered or late event is a no-op.

public sealed class RegionChangedConsumer(OrganizationReplicaStore store) : IConsumer<RegionChanged>
{
    public Task Consume(ConsumeContext<RegionChanged> context) =>
        store.ApplyAsync(OrganizationReplicaStore.Region, context.Message.Region.RegionId, context.Message.Version, context.Message.Region);
}

public sealed class BranchChangedConsumer(OrganizationReplicaStore store) : IConsumer<BranchChanged>
{
    public Task Consume(ConsumeContext<BranchChanged> context) => BranchCopy.ApplyAsync(store, context.Message.Branch, context.Message.Version);
}

public static class BranchCopy
{
    /// <summary>The copy and the list of every branch (<see cref="OrganizationReplicaStore.Branches"/>) change together.</summary>
    public static Task ApplyAsync(OrganizationReplicaStore store, BranchSnapshot branch, long version) =>
        store.ApplyAsync(OrganizationReplicaStore.Branch, branch.BranchId, version, branch, (OrganizationReplicaStore.Branches, branch.BranchId, branch.RegionId));
}

public sealed class EmployeeJoinedConsumer(OrganizationReplicaStore store) : IConsumer<EmployeeJoined>
{
    public Task Consume(ConsumeContext<EmployeeJoined> context) =>
        EmployeeCopy.ApplyAsync(store, context.Message.Employee, context.Message.Version);
}

public sealed class EmployeeChangedConsumer(OrganizationReplicaStore store) : IConsumer<EmployeeChanged>
{
    public Task Consume(ConsumeContext<EmployeeChanged> context) =>
        EmployeeCopy.ApplyAsync(store, context.Message.Employee, context.Message.Version);
}

/// <summary>P-12 / C-9: the copy records the departure; the pool and access reactions build on it.</summary>
public sealed class EmployeeLeftConsumer(OrganizationReplicaStore store) : IConsumer<EmployeeLeft>
{
    public Task Consume(ConsumeContext<EmployeeLeft> context) =>
        EmployeeCopy.ApplyAsync(store, context.Message.Employee, context.Message.Version);
}

public sealed class DealerAppointedConsumer(OrganizationReplicaStore store) : IConsumer<DealerAppointed>
{
    public Task Consume(ConsumeContext<DealerAppointed> context) => DealerCopy.ApplyAsync(store, context.Message.Dealer, context.Message.Version);
}

public sealed class DealerTerminatedConsumer(OrganizationReplicaStore store) : IConsumer<DealerTerminated>
{
    public Task Consume(ConsumeContext<DealerTerminated> context) => DealerCopy.ApplyAsync(store, context.Message.Dealer, context.Message.Version);
}

public static class EmployeeCopy
{
    /// <summary>The copy and its branch's list of salespeople change together (moved, promoted or left: off the old list).</summary>
    public static async Task ApplyAsync(OrganizationReplicaStore store, EmployeeSnapshot employee, long version)
    {
        var previous = await store.GetAsync<EmployeeSnapshot>(OrganizationReplicaStore.Employee, employee.EmployeeId);
        var lookups = new List<(StackExchange.Redis.RedisKey, string, string)>();
        if (previous?.Value.BranchId is { } formerBranch && formerBranch != employee.BranchId)
        {
            lookups.Add((OrganizationReplicaStore.BranchSalespeople(formerBranch), employee.EmployeeId, ""));
        }

        if (employee.BranchId is { } branch)
        {
            lookups.Add((OrganizationReplicaStore.BranchSalespeople(branch), employee.EmployeeId, HoldingRules.IsCapped(employee.Role, employee.Status) ? employee.Status : ""));
        }

        await store.ApplyAsync(OrganizationReplicaStore.Employee, employee.EmployeeId, version, employee, [.. lookups]);
    }
}

public static class DealerCopy
{
    /// <summary>The copy and the P-6 identity lookup change together: an active dealer's identity is listed, a terminated one's is not.</summary>
    public static async Task ApplyAsync(OrganizationReplicaStore store, DealerSnapshot dealer, long version)
    {
        var previous = await store.GetAsync<DealerSnapshot>(OrganizationReplicaStore.Dealer, dealer.DealerId);
        var lookups = new List<(StackExchange.Redis.RedisKey, string, string)>();
        if (previous is not null && previous.Value.IdentityKey != dealer.IdentityKey && previous.Value.IdentityKey.Length > 0)
        {
            lookups.Add((OrganizationReplicaStore.DealerIdentities, previous.Value.IdentityKey, ""));
        }

        if (dealer.IdentityKey.Length > 0)
        {
            lookups.Add((OrganizationReplicaStore.DealerIdentities, dealer.IdentityKey, dealer.Status == "active" ? dealer.DealerId : ""));
        }

        await store.ApplyAsync(OrganizationReplicaStore.Dealer, dealer.DealerId, version, dealer, [.. lookups]);
    }
}
