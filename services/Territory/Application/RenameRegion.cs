using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>Renames a region (hq only), guarded by the version the caller saw.</summary>
public sealed class RenameRegion(DirectoryStore store, PolicyClock clock)
{
    public async Task<Versioned<Region>> ExecuteAsync(Caller caller, RegionInput input, long expectedVersion)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", input.Id);
        DirectoryRules.CheckName(violations, "name", input.Name);
        RequestValidationException.ThrowIfAny(violations);
        DirectoryChecks.AuthorizeRegions(caller);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var old = await store.GetRegionAsync(input.Id) ?? throw new EntityNotFoundException("region", input.Id);
            OptimisticConcurrency.ExpectVersion(expectedVersion, old.Version, $"region {input.Id}");
            var next = old.Value with { Name = input.Name.Trim() };
            return (await store.CommitAsync(DirectoryChanges.Region(old, next, clock.UtcNow)), new Versioned<Region>(next, old.Version + 1));
        });
    }
}
