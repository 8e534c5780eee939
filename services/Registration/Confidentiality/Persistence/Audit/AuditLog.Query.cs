using System.Globalization;
using CustomerProtection.Registration.Confidentiality.Domain;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Persistence.Audit;

/// <summary>One page of audit entries and the token of the next.</summary>
public sealed record AuditPage(IReadOnlyList<ChainedEntry> Entries, string? NextPageToken);

/// <summary>C-5 queries: pages of the log by customer, by employee, both, or all, and the customers an employee touched (C-7).</summary>
public sealed partial class AuditLog
{
    /// <summary>How many entries one Redis read takes while walking the log (not a page size: pages follow docs/api.md).</summary>
    public const int ReadBatch = 1000;

    /// <summary>
    /// Entries by customer, by employee, both, or all, within [from, to) of the log's time (an entry's
    /// own time, or its predecessor's when replicas' clocks disagree by a few milliseconds), oldest first. The size is
    /// the caller's, already held to the paging rule (<see cref="Application.AuditQueries"/>).
    /// </summary>
    public async Task<AuditPage> QueryAsync(string? customerId, string? employeeId, DateTimeOffset? from, DateTimeOffset? to, int size, string? pageToken)
    {
        var after = PageToken.Parse(pageToken);
        var db = Db;
        if (customerId is null && employeeId is null)
        {
            if (to <= DateTimeOffset.UnixEpoch)
            {
                return new AuditPage([], null); // nothing in the log is older than 1970 (and "(0-0" is no stream id)
            }

            var min = after is { } a ? "(" + a.EntryId : from is { } f ? LogMs(f) : "-";
            var max = to is { } t ? "(" + LogMs(t) + "-0" : "+";
            var entries = (await db.StreamRangeAsync(AuditKeys.LogKey, min, max, size)).Select(AuditCodec.ToEntry).ToList();
            return new AuditPage(entries, entries.Count == size ? PageToken.Of(entries[^1]) : null);
        }

        var (lowest, beyond) = await SequenceRangeAsync(from, to);
        var start = Math.Max(lowest, (after?.Sequence ?? 0) + 1);
        var ids = customerId is not null
            ? await CustomerEntryIdsAsync(customerId, start, beyond, size)
            : (await db.SortedSetRangeByScoreAsync(AuditKeys.EmployeeIndex(employeeId!), start, beyond, Exclude.Stop, Order.Ascending, 0, size)).Select(v => (string)v!).ToList();
        var read = await ReadAsync(ids);
        var page = read.Where(e => employeeId is null || e.Record.EmployeeId == employeeId).ToList();

        // The last entry read (even when filtered out) is where the next page starts.
        return new AuditPage(page, ids.Count == size && read.Count > 0 ? PageToken.Of(read[^1]) : null);
    }

    /// <summary>The log ids of a customer's entries with sequence numbers in [start, beyond), at most <paramref name="size"/>, oldest first: one round trip.</summary>
    private async Task<IReadOnlyList<string>> CustomerEntryIdsAsync(string customerId, long start, long beyond, int size)
    {
        var ids = (RedisResult[])(await Db.ScriptEvaluateAsync(AuditScripts.CustomerEntries, [AuditKeys.CustomerBlock(customerId), AuditKeys.CustomerSortedSet(customerId)],
            [customerId, start, beyond, size]))!;
        return ids.Select(id => (string)id!).ToList();
    }

    /// <summary>C-7: the customers an employee read, changed or shared since <paramref name="from"/>, from their index in the log.</summary>
    public async Task<IReadOnlySet<string>> CustomersTouchedByAsync(string employeeId, DateTimeOffset? from)
    {
        var customers = new HashSet<string>(StringComparer.Ordinal);
        var (lowest, _) = await SequenceRangeAsync(from, null);
        var start = (double)lowest;
        while (true)
        {
            var ids = await Db.SortedSetRangeByScoreWithScoresAsync(AuditKeys.EmployeeIndex(employeeId), start, double.PositiveInfinity, Exclude.None, Order.Ascending, 0, ReadBatch);
            foreach (var entry in await ReadAsync(ids.Select(v => (string)v.Element!).ToList()))
            {
                if (entry.Record.CustomerId is { Length: > 0 } customer && AuditKinds.Touching.Contains(entry.Record.Kind))
                {
                    customers.Add(customer);
                }
            }

            if (ids.Length < ReadBatch)
            {
                return customers;
            }

            start = ids[^1].Score + 1;
        }
    }

    /// <summary>The sequence numbers a period covers: [first entry at or after from, first entry at or after to).</summary>
    private async Task<(long Lowest, long Beyond)> SequenceRangeAsync(DateTimeOffset? from, DateTimeOffset? to)
    {
        async Task<long> FirstAtOrAfter(DateTimeOffset? at, long otherwise)
        {
            if (at is not { } instant)
            {
                return otherwise;
            }

            var first = await Db.StreamRangeAsync(AuditKeys.LogKey, LogMs(instant), "+", 1);
            return first.Length == 0 ? long.MaxValue : (long)first[0]["n"];
        }

        return (await FirstAtOrAfter(from, 1), await FirstAtOrAfter(to, long.MaxValue));
    }

    /// <summary>
    /// The log id's milliseconds for an instant. Stream ids count from 1970 and cannot be negative, while a request may name
    /// any day from 1900 (docs/api.md): an earlier instant is the log's start.
    /// </summary>
    private static string LogMs(DateTimeOffset instant) => Math.Max(0, instant.ToUnixTimeMilliseconds()).ToString(CultureInfo.InvariantCulture);

    private async Task<IReadOnlyList<ChainedEntry>> ReadAsync(IReadOnlyList<string> ids)
    {
        var batch = Db.CreateBatch();
        var reads = ids.Select(id => batch.StreamRangeAsync(AuditKeys.LogKey, id, id, 1)).ToList();
        batch.Execute();
        return (await Task.WhenAll(reads)).Where(r => r.Length == 1).Select(r => AuditCodec.ToEntry(r[0])).ToList();
    }

    /// <summary>"sequence/log id" of the last entry of a page.</summary>
    private sealed record PageToken(long Sequence, string EntryId)
    {
        public static string Of(ChainedEntry entry) => $"{entry.Sequence}/{entry.EntryId}";

        public static PageToken? Parse(string? token)
        {
            if (string.IsNullOrEmpty(token))
            {
                return null;
            }

            var slash = token.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || !long.TryParse(token.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                throw new CustomerProtection.Policy.Errors.RequestValidationException(new CustomerProtection.Policy.Errors.FieldViolation("page_token", "无效 / invalid"));
            }

            return new PageToken(sequence, token[(slash + 1)..]);
        }
    }
}
