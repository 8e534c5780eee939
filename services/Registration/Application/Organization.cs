using CustomerProtection.Contracts.Organization;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.ServiceDefaults.Errors;
using CustomerProtection.ServiceDefaults.Security;

namespace CustomerProtection.Registration.Application;

/// <summary>An employee or dealer as Registration's copy of the organisation knows them.</summary>
public sealed record Person(string Id, string Name, string Role, string BranchId, string? RegionId, string? ManagerId, string Status, DateOnly? HireDate)
{
    public bool IsActive => Status == "active";
}

/// <summary>
/// Registration's view of the organisation, from its own copy (OrganizationReplicaStore, fed by
/// Territory's events): who files, who manages whom (X-3 manager reminders), which branch
/// auto-approves (P-2.1), which identities are dealers (P-6).
/// </summary>
public sealed class Organization(OrganizationReplicaStore replica)
{
    public async Task<Person?> EmployeeAsync(string id)
    {
        if (await replica.GetAsync<EmployeeSnapshot>(OrganizationReplicaStore.Employee, id) is not { Value: var e } || e.BranchId is null)
        {
            return null;
        }

        return new Person(e.EmployeeId, e.Name, e.Role, e.BranchId, e.RegionId, e.ManagerId, e.Status, e.HireDate);
    }

    public async Task<Person?> DealerAsync(string id)
    {
        if (await replica.GetAsync<DealerSnapshot>(OrganizationReplicaStore.Dealer, id) is not { Value: var d })
        {
            return null;
        }

        var branch = await BranchAsync(d.BranchId);
        return new Person(d.DealerId, d.Name, Roles.Dealer, d.BranchId, d.RegionId, branch?.ManagerId, d.Status, d.AppointedOn);
    }

    public async Task<BranchSnapshot?> BranchAsync(string id) =>
        (await replica.GetAsync<BranchSnapshot>(OrganizationReplicaStore.Branch, id))?.Value;

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
