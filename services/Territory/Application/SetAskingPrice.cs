using CustomerProtection.Contracts.Territory;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

public sealed record AskingPriceInput(string RegionId, string ProductCode, string Price, Google.Type.Date? EffectiveFrom);

/// <summary>P-4.2: sets a region's asking price for a product from a date on (hq, or the regional manager of the region); versioned by effective date, never retroactive.</summary>
public sealed class SetAskingPrice(SalesStore store, PolicyClock clock)
{
    public async Task<(Versioned<AskingPrice> Price, DateOnly EffectiveFrom)> ExecuteAsync(Caller caller, AskingPriceInput input)
    {
        // The role first (only hq and regional managers set prices), before the input is read; the region is checked once it is valid.
        if (!caller.IsHq && caller.Role != Roles.RegionalManager)
        {
            throw new ScopeDeniedException("只有总公司或大区经理可以定价 / only hq or a regional manager sets asking prices");
        }

        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "region_id", input.RegionId);
        DirectoryRules.CheckId(violations, "product_code", input.ProductCode);
        var price = Money.Parse(violations, "price", input.Price);
        var today = clock.TodayDate;
        var from = Dates.Parse(violations, "effective_from", input.EffectiveFrom) ?? today;
        if (from < today)
        {
            // A floor that changed after a sale would turn a compliant sale into a violation.
            violations.Add(new("effective_from", $"不能早于今天 {Dates.Iso(today)}，报价不追溯 / not before today {Dates.Iso(today)}: prices are never set retroactively"));
        }

        RequestValidationException.ThrowIfAny(violations);
        if (!caller.IsHq && !(caller.Role == Roles.RegionalManager && caller.RegionId == input.RegionId))
        {
            throw new ScopeDeniedException($"只有总公司或大区 {input.RegionId} 的经理可以定价 / only hq or the manager of region {input.RegionId} sets its asking prices");
        }

        if (await store.Directory.GetRegionAsync(input.RegionId) is null)
        {
            throw new RequestValidationException(new FieldViolation("region_id", $"大区 {input.RegionId} 不存在 / region {input.RegionId} does not exist"));
        }

        var version = new AskingPriceVersion(from, price!.Value, caller.EmployeeId, clock.UtcNow);
        var id = SalesKeys.PriceId(input.RegionId, input.ProductCode);
        var stored = await OptimisticConcurrency.RetryAsync(async () =>
        {
            var old = await store.GetAsync<AskingPrice>(SalesKeys.AskingPrice, id);
            var next = (old?.Value ?? new AskingPrice(input.RegionId, input.ProductCode, [])).With(version);
            var key = DirectoryKeys.Entity(SalesKeys.AskingPrice, id);
            var change = new AtomicChange().Expect(key, old?.Version ?? 0).Put(key, (old?.Version ?? 0) + 1, store.Directory.Sealed.Encode(SalesKeys.AskingPrice, id, next))
                .Publish(new AskingPriceSet(input.RegionId, input.ProductCode, version.Price, version.EffectiveFrom, version.SetBy, version.SetAt));
            return (await store.Directory.CommitAsync(change), new Versioned<AskingPrice>(next, (old?.Version ?? 0) + 1));
        });
        return (stored, from);
    }
}
