using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>Creates a branch or office (hq, or the regional manager of its region).</summary>
public sealed class CreateBranch(DirectoryStore store, PolicyClock clock)
{
    public async Task<Versioned<Branch>> ExecuteAsync(Caller caller, BranchInput input)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", input.Id);
        DirectoryRules.CheckId(violations, "region_id", input.RegionId);
        DirectoryRules.CheckName(violations, "name", input.Name);
        DirectoryRules.CheckOneOf(violations, "kind", input.Kind, BranchKinds.All);
        DirectoryRules.CheckId(violations, "manager_id", input.ManagerId, required: false);
        RequestValidationException.ThrowIfAny(violations);
        DirectoryChecks.AuthorizeBranch(caller, input.RegionId);

        var branch = new Branch(input.Id, input.RegionId, input.Name.Trim(), input.Kind, input.Direct, DirectoryChecks.NullIfEmpty(input.ManagerId), input.AutoApproveFilings);
        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            if (await store.GetBranchAsync(input.Id) is not null)
            {
                throw DirectoryChecks.AlreadyExists("branch", input.Id);
            }

            var region = await store.GetRegionAsync(input.RegionId)
                ?? throw new RequestValidationException(new FieldViolation("region_id", $"大区 {input.RegionId} 不存在 / region {input.RegionId} does not exist"));
            await DirectoryChecks.CheckBranchManagerAsync(store, branch.ManagerId);
            return (await store.CommitAsync(DirectoryChanges.Branch(null, branch, region, clock.UtcNow)), new Versioned<Branch>(branch, 1));
        });
    }
}
