using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>
/// Reads what the sales rules look at besides Registration's answer: the cross-region filings, the
/// asking price, the previous prices and the price approvals. The reads are issued together, so
/// they share one round trip to Redis (StackExchange.Redis pipelines concurrent commands).
/// </summary>
public sealed class SaleFactsReader(SalesStore store)
{
    public async Task<SaleFacts> ReadAsync(SaleQuestion sale, OwnershipFacts ownership, DateTimeOffset now, string? excludingSaleId = null)
    {
        var filingsRead = sale.IsCrossRegion
            ? store.FilingsCoveringAsync(sale.SellerId, sale.RegionId, sale.IdentityKey)
            : Task.FromResult<IReadOnlyList<CrossRegionFiling>>([]);
        var priceRead = sale.IsCrossRegion
            ? store.GetAsync<AskingPrice>(SalesKeys.AskingPrice, SalesKeys.PriceId(sale.RegionId, sale.ProductCode))
            : Task.FromResult<Versioned<AskingPrice>?>(null);
        var previousRead = ownership.HasLapsed
            ? store.PreviousSaleAsync(sale.ProductCode, sale.IdentityKey, sale.Day, sale.SellerId, excludingSaleId)
            : Task.FromResult<PriorSale?>(null);
        // Approvals only matter where a floor can apply: a cross-region sale (P-4.2, P-4.4) or a lapsed customer (P-3.7).
        var approvalsRead = sale.IsCrossRegion || ownership.HasLapsed
            ? store.ApprovalsCoveringAsync(sale.SellerId, sale.ProductCode, sale.IdentityKey)
            : Task.FromResult<IReadOnlyList<PriceApproval>>([]);
        await Task.WhenAll(filingsRead, priceRead, previousRead, approvalsRead);

        var filings = await filingsRead;
        var approved = filings.Where(f => CrossRegionRules.Covers(f, sale.Day)).MinBy(f => f.DecidedAt);
        var open = filings.Where(f => f.IsOpen).MaxBy(f => f.SubmittedAt);

        // P-4.4: a subsidiary filed under its group is also held to the group's previous price.
        var groupSale = approved?.GroupParentIdentityKey is { } parent
            ? await store.PreviousSaleAsync(sale.ProductCode, parent, sale.Day, sale.SellerId)
            : null;
        var approval = (await approvalsRead).Where(a => a.Covers(sale.Day)).MinBy(a => a.FinalPrice);

        return new SaleFacts(ownership, now, approved, open, (await priceRead)?.Value.InForce(sale.Day), await previousRead, groupSale, approval);
    }
}
