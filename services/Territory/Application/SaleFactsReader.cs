using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>
/// Reads what the sales rules look at besides Registration's answer: the cross-region filings, the
/// asking price, the previous prices, the price approvals and the customer's group (P-4.4). The reads are issued together, so
/// they share one round trip to Redis (StackExchange.Redis pipelines concurrent commands).
/// </summary>
public sealed class SaleFactsReader(SalesStore store, IOwnershipLookup owners)
{
    public async Task<SaleFacts> ReadAsync(SaleQuestion sale, OwnershipFacts ownership, DateTimeOffset now, string? excludingSaleId = null, CancellationToken cancellationToken = default)
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
        // Approvals only matter where a floor can apply: a cross-region sale (P-4.2, P-4.4) or a lapsed customer (P-3.7);
        // for a group member (P-4.4) they are read once the group is known.
        var approvalsRead = sale.IsCrossRegion || ownership.HasLapsed
            ? store.ApprovalsCoveringAsync(sale.SellerId, sale.ProductCode, sale.IdentityKey)
            : Task.FromResult<IReadOnlyList<PriceApproval>>([]);
        var groupRead = store.GroupOfAsync(sale.IdentityKey);
        await Task.WhenAll(filingsRead, priceRead, previousRead, approvalsRead, groupRead);

        var filings = await filingsRead;
        var group = (await groupRead)?.Value is { } g ? await GroupAsync(sale, g, now, excludingSaleId, cancellationToken) : null;
        var approvals = group is not null && !(sale.IsCrossRegion || ownership.HasLapsed)
            ? await store.ApprovalsCoveringAsync(sale.SellerId, sale.ProductCode, sale.IdentityKey)
            : await approvalsRead;
        var approval = approvals.Where(a => a.Covers(sale.Day)).MinBy(a => a.FinalPrice);

        return new SaleFacts(ownership, now, Approved(filings, sale.Day), Open(filings), (await priceRead)?.Value.InForce(sale.Day), await previousRead, group, approval);
    }

    /// <summary>
    /// P-4.4: the parent's ownership (Registration, on the caller's behalf) when the customer is a
    /// subsidiary, the seller's filings for the subsidiary into the parent's region when the rule asks
    /// for one, and the group's previous sale of the product.
    /// </summary>
    private async Task<GroupFacts> GroupAsync(SaleQuestion sale, CustomerGroup group, DateTimeOffset now, string? excludingSaleId, CancellationToken cancellationToken)
    {
        var previousRead = store.PreviousSaleToAnyAsync(sale.ProductCode, group.IdentityKeys, sale.Day, sale.SellerId, excludingSaleId);
        var parent = group.ParentIdentityKey == sale.IdentityKey
            ? null
            : await owners.GetAsync(new ResolvedCustomer(null, group.ParentTaxpayerId, group.ParentInvoiceTitle, group.ParentIdentityKey), cancellationToken);
        var filings = GroupRules.FilingRegion(parent, sale, Dates.DateOf(now)) is { } region
            ? await store.FilingsCoveringAsync(sale.SellerId, region, sale.IdentityKey)
            : [];
        return new GroupFacts(group.ParentIdentityKey, parent, Approved(filings, sale.Day), Open(filings), await previousRead);
    }

    private static CrossRegionFiling? Approved(IReadOnlyList<CrossRegionFiling> filings, DateOnly day) =>
        filings.Where(f => CrossRegionRules.Covers(f, day)).MinBy(f => f.DecidedAt);

    private static CrossRegionFiling? Open(IReadOnlyList<CrossRegionFiling> filings) => filings.Where(f => f.IsOpen).MaxBy(f => f.SubmittedAt);
}
