using CustomerProtection.Contracts.Territory;
using CustomerProtection.Territory.Domain;
using StackExchange.Redis;

namespace CustomerProtection.Territory.Persistence;

/// <summary>
/// Reads of the sales side (ledger, violations, filings, prices, approvals, agreements,
/// opportunities). Aggregates are stored like the directory's (<see cref="DirectoryStore"/>:
/// hash <c>v</c>/<c>d</c>); writes go through AtomicChange built by the use cases.
/// </summary>
public sealed class SalesStore(IConnectionMultiplexer redis, DirectoryStore directory)
{
    private IDatabase Db => redis.GetDatabase();

    public DirectoryStore Directory => directory;

    public Task<Versioned<T>?> GetAsync<T>(string kind, string id) => directory.GetAsync<T>(kind, id);

    public async Task<IReadOnlyList<Versioned<T>>> GetManyAsync<T>(string kind, IEnumerable<string> ids)
    {
        var batch = Db.CreateBatch();
        var list = ids.ToList();
        var reads = list.Select(id => batch.HashGetAsync(DirectoryKeys.Entity(kind, id), Aggregates.Fields)).ToList();
        batch.Execute();
        var values = await Task.WhenAll(reads);
        return values.Select((v, i) => directory.Sealed.Read<T>(kind, list[i], v)).OfType<Versioned<T>>().ToList();
    }

    /// <summary>Members of a sorted set by rank, highest score first (newest first).</summary>
    public async Task<IReadOnlyList<string>> NewestAsync(RedisKey index, long skip, long take) =>
        (await Db.SortedSetRangeByRankAsync(index, skip, skip + take - 1, Order.Descending)).Select(v => (string)v!).ToList();

    /// <summary>Members of a sorted set by rank, lowest score first (oldest first).</summary>
    public async Task<IReadOnlyList<string>> OldestAsync(RedisKey index, long skip, long take) =>
        (await Db.SortedSetRangeByRankAsync(index, skip, skip + take - 1, Order.Ascending)).Select(v => (string)v!).ToList();

    /// <summary>
    /// P-8.1: the sum of the ledger's shipments to a customer in the 365 days ending on <paramref name="day"/>:
    /// its purchases (P-1.1: samples and trials are not). The index holds sale ids only (C-4: amounts live
    /// sealed in the sales), so the amounts are the sales'.
    /// </summary>
    public async Task<decimal> AnnualShipmentsAsync(string identityKey, DateOnly day)
    {
        var members = await Db.SortedSetRangeByScoreAsync(SalesKeys.CustomerShipments(identityKey), day.DayNumber - 364, day.DayNumber);
        var sales = await GetManyAsync<Sale>(SalesKeys.Sale, members.Select(m => LedgerEntry.SaleId(m!)));
        return sales.Where(s => s.Value.Kind == SaleKinds.FormalPurchase).Sum(s => s.Value.Amount);
    }

    /// <summary>
    /// P-3.7: the latest sale of a product to a customer on or before <paramref name="day"/> by someone other
    /// than <paramref name="sellerId"/>: a formal purchase (P-1.1: a sample's or a trial's price is no sale price).
    /// </summary>
    public async Task<PriorSale?> PreviousSaleAsync(string productCode, string identityKey, DateOnly day, string sellerId, string? excludingSaleId = null)
    {
        const int Window = 32;
        var entries = await Db.SortedSetRangeByScoreWithScoresAsync(SalesKeys.ProductPrices(productCode, identityKey), double.NegativeInfinity, day.DayNumber,
            Exclude.None, Order.Descending, 0, Window);
        foreach (var entry in entries)
        {
            var (saleId, seller) = (LedgerEntry.SaleId(entry.Element!), LedgerEntry.SellerId(entry.Element!));
            if (saleId != excludingSaleId && seller != sellerId && await GetAsync<Sale>(SalesKeys.Sale, saleId) is { Value.Kind: SaleKinds.FormalPurchase } sale)
            {
                return new PriorSale(saleId, sale.Value.UnitPrice, seller, DateOnly.FromDayNumber((int)entry.Score), identityKey);
            }
        }

        return null;
    }

    /// <summary>
    /// The group the customer belongs to, as parent or as subsidiary (P-4.4), or null. A group's parent and
    /// its subsidiaries are all in the index under the parent's key, so a customer in no group — most of
    /// them, on every AuthorizeSale — costs one read.
    /// </summary>
    public async Task<Versioned<CustomerGroup>?> GroupOfAsync(string identityKey)
    {
        if ((await Db.SortedSetRangeByRankAsync(SalesKeys.GroupOf(identityKey), 0, 0)) is not [var parent])
        {
            return null;
        }

        var group = await GetAsync<CustomerGroup>(SalesKeys.Group, (string)parent!);
        return group is { Value.Members.Count: > 0 } ? group : null;
    }

    /// <summary>
    /// The latest earlier sale of the product to any of <paramref name="identityKeys"/> by someone other
    /// than the seller (P-3.7 with P-4.4: a group's previous price).
    /// </summary>
    public async Task<PriorSale?> PreviousSaleToAnyAsync(string productCode, IEnumerable<string> identityKeys, DateOnly day, string sellerId, string? excludingSaleId = null)
    {
        var each = await Task.WhenAll(identityKeys.Select(key => PreviousSaleAsync(productCode, key, day, sellerId, excludingSaleId)));
        return each.Where(p => p is not null).MaxBy(p => p!.ShippedOn);
    }

    /// <summary>The filings a requester has for a customer in a region (P-4.1), any status.</summary>
    public async Task<IReadOnlyList<CrossRegionFiling>> FilingsCoveringAsync(string requesterId, string regionId, string identityKey)
    {
        var ids = await Db.SortedSetRangeByRankAsync(SalesKeys.FilingCover(requesterId, regionId, identityKey));
        return ids.Length == 0 ? [] : (await GetManyAsync<CrossRegionFiling>(SalesKeys.Filing, ids.Select(i => (string)i!))).Select(f => f.Value).ToList();
    }

    public async Task<IReadOnlyList<PriceApproval>> ApprovalsCoveringAsync(string sellerId, string productCode, string identityKey)
    {
        var ids = await Db.SortedSetRangeByRankAsync(SalesKeys.ApprovalCover(sellerId, productCode, identityKey));
        return ids.Length == 0 ? [] : (await GetManyAsync<PriceApproval>(SalesKeys.PriceApproval, ids.Select(i => (string)i!))).Select(a => a.Value).ToList();
    }

    /// <summary>P-4.3: credits of an employee between two days (inclusive), oldest first: the credited sales (their amounts are sealed in them).</summary>
    public async Task<IReadOnlyList<Sale>> CreditsAsync(string employeeId, DateOnly from, DateOnly to)
    {
        var entries = await Db.SortedSetRangeByScoreAsync(SalesKeys.Credits(employeeId), from.DayNumber, to.DayNumber);
        return (await GetManyAsync<Sale>(SalesKeys.Sale, entries.Select(e => LedgerEntry.SaleId(e!)))).Select(s => s.Value).ToList();
    }

    /// <summary>P-10 due-queue: pending filings at their deadline (<see cref="SalesKeys.FilingsDue"/>).</summary>
    public DueQueue FilingsDue { get; } = DueQueue.Flat(redis, SalesKeys.FilingsDue);
}
