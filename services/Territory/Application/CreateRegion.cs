using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>Creates a region (hq only).</summary>
public sealed class CreateRegion(DirectoryStore store, PolicyClock clock)
{
    public async Task<Versioned<Region>> ExecuteAsync(Caller caller, RegionInput input)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", input.Id);
        DirectoryRules.CheckName(violations, "name", input.Name);
        RequestValidationException.ThrowIfAny(violations);
        DirectoryChecks.AuthorizeRegions(caller);

        var region = new Region(input.Id, input.Name.Trim());
        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            if (await store.GetRegionAsync(input.Id) is not null)
            {
                throw DirectoryChecks.AlreadyExists("region", input.Id);
            }

            return (await store.CommitAsync(DirectoryChanges.Region(null, region, clock.UtcNow)), new Versioned<Region>(region, 1));
        });
    }
}
