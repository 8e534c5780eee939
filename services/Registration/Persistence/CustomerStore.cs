using System.Globalization;
using CustomerProtection.Registration.Domain;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Persistence;

/// <summary>
/// The records one identity meets (P-2.5), as read: <paramref name="Primary"/> the record of the identity
/// key itself, <paramref name="Others"/> the other records of the same customer (for a taxpayer id the
/// title-only record of its title; for a title every record of that title), and the two identity fields
/// the read depended on ("" when absent): the title-only record's id and the title group.
/// </summary>
public sealed record IdentityRecords(
    string IdentityKey,
    string TitleKey,
    string GroupField,
    bool ByTaxpayerId,
    Versioned<Customer>? Primary,
    IReadOnlyList<Versioned<Customer>> Others,
    string TitleOnlyId,
    string Group);

/// <summary>Reads customers and their lists; writes go through <see cref="AtomicChange"/> built by the use cases.</summary>
public sealed class CustomerStore(IConnectionMultiplexer redis, RedisOutbox outbox)
{
    /// <summary>The largest near-duplicate candidate set the search reads; larger ones are too common to tell anything.</summary>
    public const int LargestCandidateSet = 5000;


    public IDatabase Db => redis.GetDatabase();

    public RedisOutbox Outbox => outbox;

    /// <summary>
    /// The due-queue (X-3, P-3.4, P-3.5) in buckets (<see cref="RegistrationKeys.Due"/>): claimed by
    /// <see cref="Workers.DueQueueWorker"/>; an entry is added, moved and removed in the customer's own
    /// step (<see cref="CustomerSteps.DueAdd"/>, <see cref="CustomerSteps.DueRemove"/>).
    /// </summary>
    public DueQueue Due { get; } = DueQueue.Bucketed(redis, RegistrationKeys.Due, RegistrationKeys.DueEntriesPrefix, RegistrationKeys.DueBucket);

    public async Task<Versioned<Customer>?> GetAsync(string id) => Decode(await Db.HashGetAsync(RegistrationKeys.Customer(id), Aggregates.Fields));

    /// <summary>The decision time (Unix ms) of the last award of <paramref name="caseId"/> applied to the customer, if any.</summary>
    public async Task<long?> AppliedAwardAsync(string id, string caseId) =>
        (long?)await Db.HashGetAsync(RegistrationKeys.Customer(id), RegistrationKeys.AwardField(caseId));

    /// <summary>When <paramref name="caseId"/> was last closed on the customer (Unix ms), if ever.</summary>
    public async Task<long?> CaseClosedAtAsync(string id, string caseId) =>
        (long?)await Db.HashGetAsync(RegistrationKeys.Customer(id), RegistrationKeys.CaseClosedField(caseId));

    public async Task<IReadOnlyList<Versioned<Customer>>> GetManyAsync(IEnumerable<string> ids)
    {
        var batch = Db.CreateBatch();
        var reads = ids.Select(id => batch.HashGetAsync(RegistrationKeys.Customer(id), Aggregates.Fields)).ToList();
        batch.Execute();
        return (await Task.WhenAll(reads)).Select(Decode).OfType<Versioned<Customer>>().ToList();
    }

    /// <summary>
    /// Just the invoice titles of some customers (X-4 near-duplicate scoring): each value is scanned up
    /// to its title (<see cref="StorageFormat.TitleOf"/>) instead of being decoded whole.
    /// </summary>
    public async Task<IReadOnlyList<(string Id, string Title)>> TitlesAsync(IReadOnlyList<string> ids)
    {
        var batch = Db.CreateBatch();
        var reads = ids.Select(id => batch.HashGetAsync(RegistrationKeys.Customer(id), "d")).ToList();
        batch.Execute();
        var values = await Task.WhenAll(reads);
        var titles = new List<(string, string)>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            if (!values[i].IsNull && StorageFormat.TitleOf((ReadOnlyMemory<byte>)values[i]) is { } title)
            {
                titles.Add((ids[i], title));
            }
        }

        return titles;
    }

    /// <summary>The customer that holds (or last held) this identity, if any.</summary>
    public async Task<string?> IdentityAsync(string identityKey) => await Db.HashGetAsync(RegistrationKeys.Identities(identityKey), identityKey);

    // KEYS: the identity's bucket, the title's bucket; ARGV: the identity key, the title's field to read (for a
    // taxpayer id the title-only record's, for a title its group). One command, not two HGETs: those measured up
    // to a tenth more of Registration's CPU per filing with its approval (tools/measure.sh, interleaved).
    private const string IdentityFieldsScript =
        """
        return {redis.call('HGET', KEYS[1], ARGV[1]) or '', redis.call('HGET', KEYS[2], ARGV[2]) or ''}
        """;

    /// <summary>
    /// The records of one customer (P-2.5) for an identity key and the normalised title of the record:
    /// the identity's own record, and the others it meets (<see cref="RegistrationKeys.TitleGroupField"/>),
    /// with the identity fields as read (the ownership gate guards them).
    /// </summary>
    /// <remarks>
    /// The commonest read (X-4, every filing and duplicate check), in two round trips: the identity's
    /// fields — the identity's record, and for a taxpayer id the title-only record of its title, for a title
    /// the ids of the records with a taxpayer id and that title — then those records. Not one script: a
    /// script gets every key it touches in KEYS, and the records' keys are known only once the fields are
    /// read. Nothing is lost by the gap: every decision guards what it read (the records' versions and
    /// these fields) in its own atomic step (<see cref="Application.Admission.Guard"/>). A record the caller
    /// has just read (<paramref name="known"/>, the one a use case changes) is taken as read, not read again: an
    /// approval's or a claim's read is then one round trip.
    /// </remarks>
    public async Task<IdentityRecords> SameCustomerAsync(string identityKey, string normalizedTitle, Versioned<Customer>? known = null)
    {
        var titleKey = Policy.Identity.CustomerIdentity.TitlePrefix + normalizedTitle;
        var groupField = RegistrationKeys.TitleGroupField(normalizedTitle);
        var byTaxpayerId = !identityKey.StartsWith(Policy.Identity.CustomerIdentity.TitlePrefix, StringComparison.Ordinal);
        var fields = (RedisValue[])(await Db.ScriptEvaluateAsync(IdentityFieldsScript,
            [RegistrationKeys.Identities(identityKey), RegistrationKeys.Identities(titleKey)], [identityKey, byTaxpayerId ? titleKey : groupField]))!;
        var primaryId = (string)fields[0]!;
        var titleField = (string)fields[1]!;
        var (titleOnlyId, group) = byTaxpayerId ? (titleField, "") : (primaryId, titleField);

        var ids = new List<string>();
        if (primaryId.Length > 0)
        {
            ids.Add(primaryId);
        }

        ids.AddRange((byTaxpayerId ? [titleOnlyId] : group.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(id => id.Length > 0 && id != primaryId));
        Versioned<Customer>? primary = null;
        var others = new List<Versioned<Customer>>();
        if (ids.Count > 0)
        {
            var records = Db.CreateBatch();
            var reads = ids.Where(id => id != known?.Value.Id)
                .ToDictionary(id => id, id => records.HashGetAsync(RegistrationKeys.Customer(id), Aggregates.Fields), StringComparer.Ordinal);
            if (reads.Count > 0)
            {
                records.Execute();
            }

            for (var i = 0; i < ids.Count; i++)
            {
                if ((reads.TryGetValue(ids[i], out var read) ? Decode(await read) : known) is not { } record)
                {
                    continue;
                }

                if (ids[i] == primaryId)
                {
                    primary = record;
                }
                else
                {
                    others.Add(record);
                }
            }
        }

        return new IdentityRecords(identityKey, titleKey, groupField, byTaxpayerId, primary, others, titleOnlyId, group);
    }

    /// <summary>
    /// The title groups of one identity bucket that have a title-only record beside them (P-2.5): the
    /// normalised title, the title-only record's id and the ids of the records with a taxpayer id.
    /// </summary>
    public async Task<IReadOnlyList<(string Title, string TitleOnlyId, IReadOnlyList<string> GroupIds)>> TitleGroupsAsync(int bucket)
    {
        var key = RegistrationKeys.IdentityBucketKey(bucket);
        var groups = new List<(string, string, IReadOnlyList<string>)>();
        await foreach (var entry in Db.HashScanAsync(key, RegistrationKeys.TitleGroupField("*"), pageSize: 1000))
        {
            var title = ((string)entry.Name!)[RegistrationKeys.TitleGroupField("").Length..];
            var titleKey = Policy.Identity.CustomerIdentity.TitlePrefix + title;
            if (RegistrationKeys.IdentityBucket(titleKey) == bucket && await Db.HashGetAsync(key, titleKey) is { IsNull: false } titleOnly)
            {
                groups.Add((title, (string)titleOnly!, ((string)entry.Value!).Split(' ', StringSplitOptions.RemoveEmptyEntries)));
            }
        }

        return groups;
    }

    /// <summary>X-6: the ownership history, oldest first (the entry fields of the customer's hash).</summary>
    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string id) =>
        Entries(await Db.HashGetAllAsync(RegistrationKeys.Customer(id)), RegistrationKeys.HistoryPrefix, v => StorageFormat.DecodeHistory(v.Span));

    /// <summary>M-2: the progress records, oldest first.</summary>
    public async Task<IReadOnlyList<ProgressEntry>> ProgressAsync(string id) =>
        Entries(await Db.HashGetAllAsync(RegistrationKeys.Customer(id)), RegistrationKeys.ProgressPrefix, v => StorageFormat.DecodeProgress(v.Span));

    /// <summary>P-6: the branch's refused dealer filings from the <paramref name="skip"/>-th newest, up to <paramref name="count"/>.</summary>
    public Task<IReadOnlyList<RefusedDealerFiling>> RefusedDealerFilingsAsync(string branchId, int skip, int count) =>
        NewestRecordsAsync(RegistrationKeys.BranchRefusedDealerFilings(branchId), RegistrationKeys.RefusedDealerFiling,
            RefusedFilingJsonContext.Default.RefusedDealerFiling, skip, count);

    /// <summary>A filer's refused filings (P-2.1 rejected, P-9.1 taken) from the <paramref name="skip"/>-th newest, up to <paramref name="count"/>.</summary>
    public Task<IReadOnlyList<RefusedFiling>> RefusedFilingsAsync(string filerId, int skip, int count) =>
        NewestRecordsAsync(RegistrationKeys.FilerRefusedFilings(filerId), RegistrationKeys.RefusedFiling,
            RefusedFilingJsonContext.Default.RefusedFiling, skip, count);

    /// <summary>
    /// Adds a refused filing to <paramref name="change"/>: its record and its place in the filer's index.
    /// <paramref name="once"/>: only when no record of that filer, identity and day exists (the step fails otherwise).
    /// </summary>
    public static AtomicChange RecordRefusedFiling(AtomicChange change, RefusedFiling refused, bool once)
    {
        var key = RegistrationKeys.RefusedFiling(refused.Id);
        if (once)
        {
            change.Expect(key, 0);
        }

        return change
            .Put(key, 1, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(refused, RefusedFilingJsonContext.Default.RefusedFiling))
            .IndexAdd(RegistrationKeys.FilerRefusedFilings(refused.FilerId), refused.Id, refused.At.ToUnixTimeMilliseconds());
    }

    /// <summary>Records (hash <c>d</c>, JSON) listed in a time-scored index, newest first.</summary>
    private async Task<IReadOnlyList<T>> NewestRecordsAsync<T>(RedisKey index, Func<string, RedisKey> key, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, int skip, int count)
    {
        var ids = await Db.SortedSetRangeByRankAsync(index, skip, skip + count - 1, Order.Descending);
        var batch = Db.CreateBatch();
        var reads = ids.Select(id => batch.HashGetAsync(key(id!), "d")).ToList();
        batch.Execute();
        return [.. (await Task.WhenAll(reads)).Where(v => v.HasValue)
            .Select(v => System.Text.Json.JsonSerializer.Deserialize(((ReadOnlyMemory<byte>)v).Span, type)!)];
    }

    private static List<T> Entries<T>(HashEntry[] fields, char prefix, Func<ReadOnlyMemory<byte>, T> decode) =>
        fields.Select(f => (Order: RegistrationKeys.EntryOrder(prefix, f.Name!), f.Value))
            .Where(f => f.Order is not null)
            .OrderBy(f => f.Order)
            .Select(f => decode(f.Value))
            .ToList();

    /// <summary>
    /// Up to <paramref name="count"/> of the branch's customers after <paramref name="afterId"/> (the last
    /// id of the previous page), in numeric id order, then those whose id is not an integer in ordinal
    /// order: the directory of blocks (<see cref="RegistrationKeys.BranchCustomerBlocks"/>) from the last
    /// id's block, then the blocks (<see cref="RegistrationKeys.BranchCustomers(string, string)"/>) in its
    /// order, a few per round trip, until the page is full. An integer block's set is read whole (at most
    /// 1,024 ids), the ids after the last one kept and sorted as numbers; a block gone (its last customer
    /// left) reads as empty. The other ids' block is a sorted set of score 0, read in ordinal (byte) order.
    /// </summary>
    public async Task<IReadOnlyList<string>> BranchCustomerIdsAsync(string branchId, string? afterId, int count)
    {
        var ids = new List<string>(count);
        var other = RegistrationKeys.OtherIdsBlock;
        var afterInteger = afterId is null ? null : RegistrationKeys.IntegerId(afterId);
        if (afterId is not null && afterInteger is null)
        {
            await AddOtherIdsAsync(branchId, afterId, count, ids);
            return ids;
        }

        var firstBlock = afterInteger is { } n ? n / RegistrationKeys.CustomerBlockSize : double.NegativeInfinity;
        var blocks = await Db.SortedSetRangeByScoreAsync(RegistrationKeys.BranchCustomerBlocks(branchId), firstBlock);
        var floor = afterInteger ?? -1;
        for (var at = 0; at < blocks.Length && ids.Count < count; at += BlocksPerRead)
        {
            var batch = Db.CreateBatch();
            var reads = blocks.Skip(at).Take(BlocksPerRead).TakeWhile(b => b != other)
                .Select(b => batch.SetMembersAsync(RegistrationKeys.BranchCustomers(branchId, (string)b!))).ToList();
            batch.Execute();
            foreach (var read in reads)
            {
                var block = (await read).Select(m => (long)m).Where(id => id > floor).Order().Take(count - ids.Count);
                ids.AddRange(block.Select(id => id.ToString(CultureInfo.InvariantCulture)));
                if (ids.Count == count)
                {
                    return ids;
                }
            }

            if (reads.Count < Math.Min(BlocksPerRead, blocks.Length - at))
            {
                await AddOtherIdsAsync(branchId, RedisValue.Null, count, ids); // the other ids' block comes last
                return ids;
            }
        }

        return ids;
    }

    /// <summary>Blocks read per round trip by <see cref="BranchCustomerIdsAsync"/>: a page of ids seldom spans more.</summary>
    private const int BlocksPerRead = 4;

    /// <summary>The other ids' block after <paramref name="after"/> (null: from its start), in ordinal order.</summary>
    private async Task AddOtherIdsAsync(string branchId, RedisValue after, int count, List<string> ids) =>
        ids.AddRange((await Db.SortedSetRangeByValueAsync(RegistrationKeys.BranchCustomers(branchId, RegistrationKeys.OtherIdsBlock),
            after, RedisValue.Null, Exclude.Start, Order.Ascending, 0, count - ids.Count)).Select(v => (string)v!));

    /// <summary>Members of a time-scored index with a score above <paramref name="minScore"/>, oldest first, from an offset.</summary>
    public async Task<IReadOnlyList<string>> IdsByScoreAsync(RedisKey index, double minScore, long offset, int count) =>
        (await Db.SortedSetRangeByScoreAsync(index, minScore, double.PositiveInfinity, Exclude.Start, Order.Ascending, offset, count))
            .Select(v => (string)v!).ToList();

    /// <summary>
    /// X-1 per owner, in one round trip: their pending and protected-now customers (the owner's index
    /// scored by the end of protection, counted above <paramref name="nowMs"/>), the protected ones, and the formal protected ones.
    /// </summary>
    public async Task<IReadOnlyList<(long PendingOrProtected, long Protected, long Formal)>> HoldingsAsync(IReadOnlyList<string> ownerIds, long nowMs)
    {
        // Pending filings are scored +inf: "after now" counts them, "after now and below +inf" does not (X-1 caps protected customers).
        var batch = Db.CreateBatch();
        var counts = ownerIds.Select(id => (
            All: batch.SortedSetLengthAsync(RegistrationKeys.OwnerCustomers(id), nowMs, double.PositiveInfinity, Exclude.Start),
            Protected: batch.SortedSetLengthAsync(RegistrationKeys.OwnerCustomers(id), nowMs, double.PositiveInfinity, Exclude.Both),
            Formal: batch.SortedSetLengthAsync(RegistrationKeys.OwnerFormal(id), nowMs, double.PositiveInfinity, Exclude.Both))).ToList();
        batch.Execute();
        var result = new List<(long, long, long)>(counts.Count);
        foreach (var (all, protectedNow, formal) in counts)
        {
            result.Add((await all, await protectedNow, await formal));
        }

        return result;
    }

    public async Task<bool> IsBehindTargetAsync(string branchId, string employeeId) =>
        await Db.SetContainsAsync(RegistrationKeys.BehindTarget(branchId), employeeId);

    public Task<ChangeResult> CommitAsync(AtomicChange change) => change.CommitAsync(Db, outbox);

    /// <summary>
    /// X-4 candidates for near-duplicates of a title: the customers indexed under its candidate keys
    /// (TitleSimilarity.CandidateKeys), ranked by how many keys they share. Sets are read smallest
    /// first within a budget and very common keys (科技, 上海) are skipped: a near-duplicate shares
    /// most of its keys, so it is found through its rarer ones. The sets are sized and chosen by one
    /// script (one round trip).
    /// </summary>
    public async Task<IReadOnlyList<string>> TitleCandidatesAsync(IReadOnlyCollection<string> candidateKeys, int limit, int memberBudget = 2000, int largestSet = LargestCandidateSet)
    {
        if (candidateKeys.Count == 0)
        {
            return [];
        }

        var keys = candidateKeys.Select(k => RegistrationKeys.TitleKey(k)).ToArray();
        var sets = (RedisResult[])(await Db.ScriptEvaluateAsync(CandidateSetsScript, keys, [memberBudget, largestSet]))!;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var set in sets)
        {
            foreach (var member in (RedisValue[])set!)
            {
                var id = (string)member!;
                counts[id] = counts.GetValueOrDefault(id) + 1;
            }
        }

        return counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(limit).Select(p => p.Key).ToList();
    }

    // KEYS: the candidate sets; ARGV: member budget, largest set read. Smallest first (ties in key
    // order), empty and too common sets skipped, at least one set, then as many as the budget allows.
    private const string CandidateSetsScript =
        """
        local sizes = {}
        for i, k in ipairs(KEYS) do sizes[i] = {redis.call('SCARD', k), i} end
        table.sort(sizes, function(x, y) return x[1] < y[1] or (x[1] == y[1] and x[2] < y[2]) end)
        local budget = tonumber(ARGV[1])
        local largest = tonumber(ARGV[2])
        local chosen = {}
        for _, s in ipairs(sizes) do
          local n = s[1]
          if n > 0 and n <= largest then
            if #chosen > 0 and n > budget then break end
            chosen[#chosen + 1] = redis.call('SMEMBERS', KEYS[s[2]])
            budget = budget - n
          end
        end
        return chosen
        """;

    private static Versioned<Customer>? Decode(RedisValue[] values) => Aggregates.Read(values, StorageFormat.Customers);
}
