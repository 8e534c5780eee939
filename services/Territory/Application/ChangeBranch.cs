using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>Changes a branch's name, manager or auto-approval (hq, or the regional manager of its region).</summary>
public sealed class ChangeBranch(DirectoryStore store, PolicyClock clock)
{
    public async Task<Versioned<Branch>> ExecuteAsync(Caller caller, BranchUpdate update)
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
            DirectoryChecks.AuthorizeBranch(caller, old.Value.RegionId);
            OptimisticConcurrency.ExpectVersion(update.ExpectedVersion, old.Version, $"branch {update.Id}");
            var next = old.Value with
            {
                Name = update.Name?.Trim() ?? old.Value.Name,
                ManagerId = update.ManagerId is null ? old.Value.ManagerId : DirectoryChecks.NullIfEmpty(update.ManagerId),
                AutoApproveFilings = update.AutoApproveFilings ?? old.Value.AutoApproveFilings,
            };
            await DirectoryChecks.CheckBranchManagerAsync(store, next.ManagerId);
            var region = (await store.GetRegionAsync(next.RegionId))!;
            return (await store.CommitAsync(DirectoryChanges.Branch(old, next, region, clock.UtcNow)), new Versioned<Branch>(next, old.Version + 1));
        });
    }
}
