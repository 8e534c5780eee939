using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>Create and rename regions (hq only).</summary>
public sealed class ManageRegions(DirectoryStore store, PolicyClock clock)
{
    public async Task<Versioned<Region>> CreateAsync(Caller caller, RegionInput input)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", input.Id);
        DirectoryRules.CheckName(violations, "name", input.Name);
        RequestValidationException.ThrowIfAny(violations);
        Authorize(caller);

        var region = new Region(input.Id, input.Name.Trim());
        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            if (await store.GetRegionAsync(input.Id) is not null)
            {
                throw AlreadyExists("region", input.Id);
            }

            return (await store.CommitAsync(DirectoryChanges.Region(null, region, clock.UtcNow)), new Versioned<Region>(region, 1));
        });
    }

    public async Task<Versioned<Region>> UpdateAsync(Caller caller, RegionInput input, long expectedVersion)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", input.Id);
        DirectoryRules.CheckName(violations, "name", input.Name);
        RequestValidationException.ThrowIfAny(violations);
        Authorize(caller);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var old = await store.GetRegionAsync(input.Id) ?? throw new EntityNotFoundException("region", input.Id);
            OptimisticConcurrency.ExpectVersion(expectedVersion, old.Version, $"region {input.Id}");
            var next = old.Value with { Name = input.Name.Trim() };
            return (await store.CommitAsync(DirectoryChanges.Region(old, next, clock.UtcNow)), new Versioned<Region>(next, old.Version + 1));
        });
    }

    private static void Authorize(Caller caller)
    {
        if (!DirectoryScopes.CanManageRegions(caller))
        {
            throw new ScopeDeniedException("只有总公司可以管理大区 / only hq manages regions");
        }
    }

    internal static PolicyRefusalException AlreadyExists(string kind, string id) =>
        new("ALREADY_EXISTS", $"{kind} {id} 已存在 / {kind} {id} already exists", new Dictionary<string, string> { ["id"] = id }, RefusalCode.AlreadyExists);
}
