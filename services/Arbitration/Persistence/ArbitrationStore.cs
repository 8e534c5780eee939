using System.Globalization;
using CustomerProtection.Arbitration.Domain;
using StackExchange.Redis;

namespace CustomerProtection.Arbitration.Persistence;

/// <summary>The customer's dispute marker (<see cref="ArbitrationKeys.Customer"/>).</summary>
public sealed record CustomerMarker(string CustomerId, string? OpenCaseId);

/// <summary>Reads Arbitration's keyspace; writes go through <see cref="AtomicChange"/> built by the use cases.</summary>
public sealed class ArbitrationStore(IConnectionMultiplexer redis, RedisOutbox outbox)
{
    private IDatabase Db => redis.GetDatabase();

    public async Task<Versioned<Case>?> GetCaseAsync(string caseId) => Decode<Case>(await Db.HashGetAsync(ArbitrationKeys.Case(caseId), Aggregates.Fields));

    public async Task<Versioned<CustomerComplaint>?> GetComplaintAsync(string complaintId) =>
        Decode<CustomerComplaint>(await Db.HashGetAsync(ArbitrationKeys.Complaint(complaintId), Aggregates.Fields));

    public async Task<Versioned<CustomerMarker>?> GetMarkerAsync(string customerId) =>
        Decode<CustomerMarker>(await Db.HashGetAsync(ArbitrationKeys.Customer(customerId), Aggregates.Fields));

    /// <summary>Many aggregates in one round trip, in the order asked; missing ones are left out.</summary>
    public async Task<IReadOnlyList<Versioned<T>>> GetManyAsync<T>(Func<string, RedisKey> key, IEnumerable<string> ids)
    {
        var batch = Db.CreateBatch();
        var reads = ids.Select(id => batch.HashGetAsync(key(id), Aggregates.Fields)).ToList();
        batch.Execute();
        var values = await Task.WhenAll(reads);
        return values.Select(Decode<T>).OfType<Versioned<T>>().ToList();
    }

    /// <summary>Members of an index by rank, newest first.</summary>
    public async Task<IReadOnlyList<string>> NewestAsync(RedisKey index, long skip, long take) =>
        (await Db.SortedSetRangeByRankAsync(index, skip, skip + take - 1, Order.Descending)).Select(v => (string)v!).ToList();

    /// <summary>Every member of an index (the per-person ledger: a person is in few cases).</summary>
    public async Task<IReadOnlyList<string>> AllAsync(RedisKey index) =>
        (await Db.SortedSetRangeByRankAsync(index)).Select(v => (string)v!).ToList();

    // ---- Deals (Territory's SaleRecorded) ----------------------------------------------------------

    /// <summary>Adds a shipment to the customer's deals; the same sale again changes nothing (ZADD of an existing member).</summary>
    public Task<bool> AddDealAsync(string identityKey, DealFact deal) =>
        Db.SortedSetAddAsync(ArbitrationKeys.Deals(identityKey),
            string.Join('|', deal.SaleId, deal.SellerId, deal.Amount.ToString(CultureInfo.InvariantCulture)), deal.ShippedOn.DayNumber);

    public async Task<IReadOnlyList<DealFact>> DealsAsync(string identityKey, DateOnly from, DateOnly to)
    {
        var entries = await Db.SortedSetRangeByScoreWithScoresAsync(ArbitrationKeys.Deals(identityKey), from.DayNumber, to.DayNumber);
        return entries.Select(e =>
        {
            var parts = ((string)e.Element!).Split('|');
            return new DealFact(parts[0], parts[1], DateOnly.FromDayNumber((int)e.Score), decimal.Parse(parts[2], CultureInfo.InvariantCulture));
        }).ToList();
    }

    // ---- Due-queue --------------------------------------------------------------------------------

    /// <summary>The due-queue (<see cref="ArbitrationKeys.Due"/>).</summary>
    public DueQueue Due { get; } = DueQueue.Flat(redis, ArbitrationKeys.Due);

    public async Task<double?> DueAtAsync(string member) => await Due.DueAtAsync(member);

    public Task<ChangeResult> CommitAsync(AtomicChange change) => change.CommitAsync(Db, outbox);

    public static RedisValue Encode<T>(T value) => JsonCodec.Web<T>().Encode(value);

    private static Versioned<T>? Decode<T>(RedisValue[] values) =>
        Aggregates.Read(values, JsonCodec.Web<T>());
}
