using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>Create and change branches and offices (hq, or the regional manager of their region).</summary>
public sealed class ManageBranches(DirectoryStore store, PolicyClock clock)
{
    public async Task<Versioned<Branch>> CreateAsync(Caller caller, BranchInput input)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", input.Id);
        DirectoryRules.CheckId(violations, "region_id", input.RegionId);
        DirectoryRules.CheckName(violations, "name", input.Name);
        DirectoryRules.CheckOneOf(violations, "kind", input.Kind, BranchKinds.All);
        DirectoryRules.CheckId(violations, "manager_id", input.ManagerId, required: false);
        RequestValidationException.ThrowIfAny(violations);
        Authorize(caller, input.RegionId);

        var branch = new Branch(input.Id, input.RegionId, input.Name.Trim(), input.Kind, input.Direct, NullIfEmpty(input.ManagerId), input.AutoApproveFilings);
        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            if (await store.GetBranchAsync(input.Id) is not null)
            {
                throw ManageRegions.AlreadyExists("branch", input.Id);
            }

            var region = await store.GetRegionAsync(input.RegionId)
                ?? throw new RequestValidationException(new FieldViolation("region_id", $"大区 {input.RegionId} 不存在 / region {input.RegionId} does not exist"));
            await CheckManagerAsync(branch.ManagerId);
            return (await store.CommitAsync(DirectoryChanges.Branch(null, branch, region, clock.UtcNow)), new Versioned<Branch>(branch, 1));
        });
    }

    public async Task<Versioned<Branch>> UpdateAsync(Caller caller, BranchUpdate update)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", update.Id);
        if (update.Name is not null)
        {
            DirectoryRules.CheckName(violations, "name", update.Name);
        }

        DirectoryRules.CheckId(violations, "manager_id", update.ManagerId, required: false);
        RequestValidationException.ThrowIfAny(violations);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var old = await store.GetBranchAsync(update.Id) ?? throw new EntityNotFoundException("branch", update.Id);
            Authorize(caller, old.Value.RegionId);
            OptimisticConcurrency.ExpectVersion(update.ExpectedVersion, old.Version, $"branch {update.Id}");
            var next = old.Value with
            {
                Name = update.Name?.Trim() ?? old.Value.Name,
                ManagerId = update.ManagerId is null ? old.Value.ManagerId : NullIfEmpty(update.ManagerId),
                AutoApproveFilings = update.AutoApproveFilings ?? old.Value.AutoApproveFilings,
            };
            await CheckManagerAsync(next.ManagerId);
            var region = (await store.GetRegionAsync(next.RegionId))!;
            return (await store.CommitAsync(DirectoryChanges.Branch(old, next, region, clock.UtcNow)), new Versioned<Branch>(next, old.Version + 1));
        });
    }

    private async Task CheckManagerAsync(string? managerId)
    {
        if (managerId is null)
        {
            return;
        }

        var manager = await store.GetEmployeeAsync(managerId);
        if (manager is null || manager.Value.Status == EmployeeStatuses.Left)
        {
            throw new RequestValidationException(new FieldViolation("manager_id", $"员工 {managerId} 不存在或已离职 / employee {managerId} does not exist or has left"));
        }
    }

    private static void Authorize(Caller caller, string regionId)
    {
        if (!DirectoryScopes.CanManageBranch(caller, regionId))
        {
            throw new ScopeDeniedException($"无权管理大区 {regionId} 的分公司 / not allowed to manage branches of region {regionId}");
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
