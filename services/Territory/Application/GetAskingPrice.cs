using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>P-4.2: a region's asking prices for a product, and the day they are read for.</summary>
public sealed class GetAskingPrice(SalesStore store, PolicyClock clock)
{
    public async Task<(Versioned<AskingPrice>? Price, DateOnly On)> ExecuteAsync(string regionId, string productCode, Google.Type.Date? on)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "region_id", regionId);
        DirectoryRules.CheckId(violations, "product_code", productCode);
        var day = Dates.Parse(violations, "on", on) ?? clock.TodayDate;
        RequestValidationException.ThrowIfAny(violations);
        return (await store.GetAsync<AskingPrice>(SalesKeys.AskingPrice, SalesKeys.PriceId(regionId, productCode)), day);
    }
}
