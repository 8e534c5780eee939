using CustomerProtection.Contracts.Organization;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Application;

/// <summary>An employee or dealer as Registration's copy of the organisation knows them.</summary>
/// <param name="Version">The copy's version (Territory's): the ownership gate guards it, so a departure recorded meanwhile fails the step (C-9).</param>
public sealed record Person(string Id, string Name, string Role, string BranchId, string? RegionId, string? ManagerId, string Status, DateOnly? HireDate, long Version = 0)
{
    public bool IsActive => Status == "active";

    /// <summary>The key of this person's copy in the organisation replica.</summary>
    public StackExchange.Redis.RedisKey ReplicaKey =>
        OrganizationReplicaStore.Key(Role == Roles.Dealer ? OrganizationReplicaStore.Dealer : OrganizationReplicaStore.Employee, Id);
}

/// <summary>
/// Registration's view of the organisation, from its own copy (OrganizationReplicaStore, fed by
/// Territory's events): who files, who manages whom (X-3 manager reminders), which branch
/// auto-approves (P-2.1), which identities are dealers (P-6).
/// </summary>
public sealed class Organization(OrganizationReplicaStore replica)
{
    public async Task<Person?> EmployeeAsync(string id) =>
        await replica.GetAsync<EmployeeSnapshot>(OrganizationReplicaStore.Employee, id) is { } copy ? ToPerson(copy.Value, copy.Version) : null;

    /// <summary>Several employees in one round trip, in order (null where the copy has none).</summary>
    public async Task<IReadOnlyList<Person?>> EmployeesAsync(IReadOnlyList<string> ids) =>
        (await replica.GetManyAsync<EmployeeSnapshot>(OrganizationReplicaStore.Employee, ids)).Select(r => r is null ? null : ToPerson(r.Value, r.Version)).ToList();

    /// <summary>X-1: the branch's salespeople who have not left, by id (the branch's list, checked against each copy).</summary>
    public async Task<IReadOnlyList<Person>> SalespeopleAsync(string branchId)
    {
        var listed = (await replica.LookupFieldsAsync(OrganizationReplicaStore.BranchSalespeople(branchId))).Order(StringComparer.Ordinal).ToList();
        return (await replica.GetManyAsync<EmployeeSnapshot>(OrganizationReplicaStore.Employee, listed))
            .Where(r => r is not null && r.Value.BranchId == branchId && Domain.HoldingRules.IsCapped(r.Value.Role, r.Value.Status))
            .Select(r => ToPerson(r!.Value, r.Version)!)
            .ToList();
    }

    private static Person? ToPerson(EmployeeSnapshot e, long version) =>
        e.BranchId is null ? null : new Person(e.EmployeeId, e.Name, e.Role, e.BranchId, e.RegionId, e.ManagerId, e.Status, e.HireDate, version);

    public async Task<Person?> DealerAsync(string id)
    {
        if (await replica.GetAsync<DealerSnapshot>(OrganizationReplicaStore.Dealer, id) is not { Value: var d } copy)
        {
            return null;
        }

        var branch = await BranchAsync(d.BranchId);
        return new Person(d.DealerId, d.Name, Roles.Dealer, d.BranchId, d.RegionId, branch?.ManagerId, d.Status, d.AppointedOn, copy.Version);
    }

    public async Task<BranchSnapshot?> BranchAsync(string id) =>
        (await replica.GetAsync<BranchSnapshot>(OrganizationReplicaStore.Branch, id))?.Value;

    /// <summary>Lists the branch copies made before the list of branches existed (<see cref="OrganizationReplicaStore.FillBranchListAsync"/>).</summary>
    public Task<int> FillBranchListAsync() => replica.FillBranchListAsync();

    /// <summary>Every branch the copy knows, in id order.</summary>
    public async Task<IReadOnlyList<string>> BranchIdsAsync() =>
        (await replica.LookupFieldsAsync(OrganizationReplicaStore.Branches)).Order(StringComparer.Ordinal).ToList();

    public Task<string?> DealerWithIdentityAsync(string identityKey) => replica.DealerWithIdentityAsync(identityKey);

    /// <summary>The caller as a filer (P-2.1): an active salesperson or dealer known to the copy.</summary>
    public async Task<Person> FilerAsync(Caller caller)
    {
        var person = caller.Role == Roles.Dealer ? await DealerAsync(caller.EmployeeId) : await EmployeeAsync(caller.EmployeeId);
        if (person is null || person.Role != caller.Role)
        {
            throw new PolicyRefusalException("P-2.1",
                $"组织数据中没有 {caller.Role} {caller.EmployeeId}（尚未同步？）/ {caller.Role} {caller.EmployeeId} is not in the organisation (not synchronised yet?)",
                new Dictionary<string, string> { ["employeeId"] = caller.EmployeeId, ["role"] = caller.Role });
        }

        if (!person.IsActive)
        {
            throw new PolicyRefusalException("P-12",
                $"{person.Id} 状态为 {person.Status}，不能备案或领取 / {person.Id} is {person.Status} and cannot file or claim",
                new Dictionary<string, string> { ["employeeId"] = person.Id, ["status"] = person.Status });
        }

        return person;
    }

    /// <summary>X-3: the owner's manager (their own manager, else their branch's).</summary>
    public async Task<string?> ManagerOfAsync(string ownerId, string branchId)
    {
        var owner = await EmployeeAsync(ownerId) ?? await DealerAsync(ownerId);
        return owner?.ManagerId ?? (await BranchAsync(branchId))?.ManagerId;
    }
}
