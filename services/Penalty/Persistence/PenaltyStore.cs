using CustomerProtection.Penalty.Domain;
using StackExchange.Redis;

namespace CustomerProtection.Penalty.Persistence;

/// <summary>An index entry: the member (a fine or violation id) and its score (the violation's instant).</summary>
public readonly record struct IndexEntry(string Id, double Score);

/// <summary>What recording a new violation needs to read, in one round trip.</summary>
public sealed record OpeningState(Versioned<Violation>? Violation, Versioned<Offender>? Offender, int StandingInWindow);

/// <summary>Reads Penalty's keyspace; writes go through <see cref="AtomicChange"/> built by <see cref="PenaltyChanges"/>.</summary>
public sealed class PenaltyStore(IConnectionMultiplexer redis, RedisOutbox outbox)
{
    private IDatabase Db => redis.GetDatabase();

    public async Task<Versioned<Violation>?> GetViolationAsync(string violationId) =>
        Decode<Violation>(await Db.HashGetAsync(PenaltyKeys.Violation(violationId), Aggregates.Fields));

    public async Task<Versioned<Fine>?> GetFineAsync(string fineId) =>
        Decode<Fine>(await Db.HashGetAsync(PenaltyKeys.Fine(fineId), Aggregates.Fields));

    /// <summary>
    /// The violation (if known), the violator's record, and how many of the violator's standing
    /// violations fall between the two instants (P-8.3), read together in one batch.
    /// </summary>
    public async Task<OpeningState> GetOpeningStateAsync(string violationId, string violatorId, DateTimeOffset windowStart, DateTimeOffset windowEnd)
    {
        var batch = Db.CreateBatch();
        var violation = batch.HashGetAsync(PenaltyKeys.Violation(violationId), Aggregates.Fields);
        var offender = batch.HashGetAsync(PenaltyKeys.Offender(violatorId), Aggregates.Fields);
        var count = batch.SortedSetLengthAsync(PenaltyKeys.OffenderViolations(violatorId), PenaltyKeys.Score(windowStart), PenaltyKeys.Score(windowEnd));
        batch.Execute();
        return new OpeningState(Decode<Violation>(await violation), Decode<Offender>(await offender), (int)await count);
    }

    /// <summary>Fines by id in one round trip, in the order asked; missing ones are left out.</summary>
    public async Task<IReadOnlyList<Versioned<Fine>>> GetFinesAsync(IReadOnlyList<string> fineIds)
    {
        var values = await GetManyAsync(fineIds.Select(PenaltyKeys.Fine));
        return values.Select(Decode<Fine>).OfType<Versioned<Fine>>().ToList();
    }

    public async Task<IReadOnlyList<Versioned<Violation>>> GetViolationsAsync(IReadOnlyList<string> violationIds)
    {
        var values = await GetManyAsync(violationIds.Select(PenaltyKeys.Violation));
        return values.Select(Decode<Violation>).OfType<Versioned<Violation>>().ToList();
    }

    /// <summary>
    /// Up to <paramref name="count"/> entries of an index with scores in [min, max], newest first,
    /// strictly after <paramref name="after"/> in that order (the last entry of the previous page).
    /// </summary>
    public async Task<IReadOnlyList<IndexEntry>> PageAsync(RedisKey index, double min, double max, IndexEntry? after, int count)
    {
        var result = new List<IndexEntry>(count);
        var top = after?.Score ?? max;
        long skip = 0;
        while (result.Count < count)
        {
            var chunk = await Db.SortedSetRangeByScoreWithScoresAsync(index, min, top, Exclude.None, Order.Descending, skip, count);
            foreach (var entry in chunk)
            {
                var id = (string)entry.Element!;
                // Same score as the cursor: Redis orders those by member (descending here); skip up to the cursor.
                if (after is { } cursor && entry.Score == cursor.Score && string.CompareOrdinal(id, cursor.Id) >= 0)
                {
                    continue;
                }

                result.Add(new IndexEntry(id, entry.Score));
                if (result.Count == count)
                {
                    break;
                }
            }

            if (chunk.Length < count)
            {
                break;
            }

            skip += chunk.Length;
        }

        return result;
    }

    public Task<ChangeResult> CommitAsync(AtomicChange change) => change.CommitAsync(Db, outbox);

    public static RedisValue Encode<T>(T value) => JsonCodec.Web<T>().Encode(value);

    private async Task<RedisValue[][]> GetManyAsync(IEnumerable<RedisKey> keys)
    {
        var batch = Db.CreateBatch();
        var reads = keys.Select(key => batch.HashGetAsync(key, Aggregates.Fields)).ToList();
        batch.Execute();
        return await Task.WhenAll(reads);
    }

    private static Versioned<T>? Decode<T>(RedisValue[] values) =>
        Aggregates.Read(values, JsonCodec.Web<T>());
}
