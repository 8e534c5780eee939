using StackExchange.Redis;

namespace CustomerProtection.Territory.Reports;

/// <summary>The report's facts in Redis: each written once, in one atomic step with its once-only marker (architecture.md, idempotent consumers).</summary>
public sealed class ReportStore(IConnectionMultiplexer redis, RedisOutbox outbox)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>Counts the fact unless it was counted before; <paramref name="also"/> adds writes to the same step. False: already counted.</summary>
    public async Task<ChangeResult> CountAsync(ReportFact fact, Func<AtomicChange, AtomicChange>? also = null)
    {
        var field = ReportKeys.Field(fact.Figure, fact.FactId);
        var change = new AtomicChange()
            .ExpectNotMember(ReportKeys.Counted, field)
            .SetAdd(ReportKeys.Counted, field)
            .SetAdd(ReportKeys.Months, fact.Month)
            .SetField(ReportKeys.Month(fact.Month), field, fact.BranchId);
        return await (also?.Invoke(change) ?? change).CommitAsync(Db, outbox);
    }

    /// <summary>The branch whose pool holds the customer now; empty when none.</summary>
    public async Task<string> PoolOfAsync(string customerId) => (string?)await Db.HashGetAsync(ReportKeys.PoolMembers, customerId) ?? "";

    /// <summary>Every fact of the months up to and including <paramref name="month"/> (yyyy-MM sorts as it reads).</summary>
    public async Task<IReadOnlyList<(string Month, string Figure, string BranchId)>> FactsUpToAsync(string month)
    {
        var months = (await Db.SetMembersAsync(ReportKeys.Months)).Select(m => (string)m!).Where(m => string.CompareOrdinal(m, month) <= 0).ToList();
        var batch = Db.CreateBatch();
        var reads = months.Select(m => (Month: m, Fields: batch.HashGetAllAsync(ReportKeys.Month(m)))).ToList();
        batch.Execute();
        var facts = new List<(string, string, string)>();
        foreach (var (m, fields) in reads)
        {
            foreach (var entry in await fields)
            {
                var figure = ((string)entry.Name!).Split('|', 2)[0];
                // Facts written by earlier versions carry "branch|amount" (a fine's); the branch comes first in both.
                facts.Add((m, figure, ((string)entry.Value!).Split('|', 2)[0]));
            }
        }

        return facts;
    }
}
