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

    // The commonest read (X-4, every filing and duplicate check) in one round trip: the identity's
    // record, the title-only record of its title, the ids of the records with a taxpayer id and that
    // title, and those records (P-2.5: every record a filing of this identity can meet) — for a taxpayer id
    // its record and the title-only one, for a title its record and the group: two HGETs. KEYS: the
    // identity's bucket, the title's bucket; ARGV: identity key, title key, title group field, customer
    // key prefix, '1' when the identity is a taxpayer id (it meets the title-only record) else '0' (a
    // title meets the records of the group). (The customer keys are built here: Redis is not a cluster.)
    private const string SameCustomerScript =
        """
        local primary = redis.call('HGET', KEYS[1], ARGV[1])
        local titleOnly, group
        if ARGV[5] == '1' then titleOnly = redis.call('HGET', KEYS[2], ARGV[2]) else titleOnly = primary; group = redis.call('HGET', KEYS[2], ARGV[3]) end
        local out = {primary or '', titleOnly or '', group or ''}
        local function add(id)
          local values = redis.call('HMGET', ARGV[4] .. id .. '}', 'v', 'd')
          if values[1] then out[#out + 1] = id; out[#out + 1] = values[1]; out[#out + 1] = values[2] end
        end
        if primary then add(primary) end
        if ARGV[5] == '1' then
          if titleOnly and titleOnly ~= primary then add(titleOnly) end
        elseif group then
          for id in string.gmatch(group, '%S+') do if id ~= primary then add(id) end end
        end
        return out
        """;

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

    /// <summary>
    /// The records of one customer (P-2.5) for an identity key and the normalised title of the record:
    /// the identity's own record, and the others it meets (<see cref="RegistrationKeys.TitleGroupField"/>),
    /// with the identity fields as read (the ownership gate guards them).
    /// </summary>
    public async Task<IdentityRecords> SameCustomerAsync(string identityKey, string normalizedTitle)
    {
        var titleKey = Policy.Identity.CustomerIdentity.TitlePrefix + normalizedTitle;
        var groupField = RegistrationKeys.TitleGroupField(normalizedTitle);
        var byTaxpayerId = !identityKey.StartsWith(Policy.Identity.CustomerIdentity.TitlePrefix, StringComparison.Ordinal);
        var result = (RedisValue[])(await Db.ScriptEvaluateAsync(SameCustomerScript,
            [RegistrationKeys.Identities(identityKey), RegistrationKeys.Identities(titleKey)],
            [identityKey, titleKey, groupField, RegistrationKeys.CustomerPrefix, byTaxpayerId ? "1" : "0"]))!;
        var primaryId = (string)result[0]!;
        Versioned<Customer>? primary = null;
        var others = new List<Versioned<Customer>>();
        for (var i = 3; i + 2 < result.Length; i += 3)
        {
            var record = Decode([result[i + 1], result[i + 2]])!;
            if ((string)result[i]! == primaryId)
            {
                primary = record;
            }
            else
            {
                others.Add(record);
            }
        }

        return new IdentityRecords(identityKey, titleKey, groupField, byTaxpayerId, primary, others, (string)result[1]!, (string)result[2]!);
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

    private static List<T> Entries<T>(HashEntry[] fields, char prefix, Func<ReadOnlyMemory<byte>, T> decode) =>
        fields.Select(f => (Order: RegistrationKeys.EntryOrder(prefix, f.Name!), f.Value))
            .Where(f => f.Order is not null)
            .OrderBy(f => f.Order)
            .Select(f => decode(f.Value))
            .ToList();

    /// <summary>
    /// Up to <paramref name="count"/> of the branch's customers after <paramref name="afterId"/> (the last
    /// id of the previous page), in numeric id order, then those whose id is not an integer in ordinal
    /// order: the blocks (<see cref="RegistrationKeys.BranchCustomers(string, string)"/>) walked in the
    /// directory's order by one script, so a page spanning blocks is still one round trip.
    /// </summary>
    public async Task<IReadOnlyList<string>> BranchCustomerIdsAsync(string branchId, string? afterId, int count)
    {
        var integer = afterId is null ? null : RegistrationKeys.IntegerId(afterId);
        RedisValue[] args = afterId is null ? ["", "", "-inf"]
            : integer is { } n ? ["n", afterId, (n / RegistrationKeys.CustomerBlockSize).ToString(CultureInfo.InvariantCulture)]
            : [RegistrationKeys.OtherIdsBlock, afterId, "-inf"];
        var ids = (RedisValue[])(await Db.ScriptEvaluateAsync(BranchCustomersScript, [RegistrationKeys.BranchCustomerBlocks(branchId)],
            [RegistrationKeys.BranchCustomersPrefix(branchId), count, RegistrationKeys.OtherIdsBlock, .. args]))!;
        return ids.Select(v => (string)v!).ToList();
    }

    // KEYS[1]: the branch's directory of blocks. ARGV: block key prefix, count, the other ids' block,
    // what the last id was ('' none, 'n' an integer, else not an integer), the last id, the first block
    // to read. An integer block's set is read whole (at most 1,024 ids), the ids after the last one
    // kept and sorted as numbers — an integer set is already in order, so that costs a pass; a block
    // gone (its last customer left) reads as empty. The other ids' block is a sorted set of score 0,
    // read in ordinal (byte) order.
    private const string BranchCustomersScript =
        """
        local prefix, count, other = ARGV[1], tonumber(ARGV[2]), ARGV[3]
        local kind, after = ARGV[4], ARGV[5]
        local out = {}
        local function others(from)
          for _, id in ipairs(redis.call('ZRANGEBYLEX', prefix .. other, from, '+', 'LIMIT', 0, count - #out)) do out[#out + 1] = id end
          return out
        end
        if kind == other then return others('(' .. after) end
        local floor = -1
        if kind == 'n' then floor = tonumber(after) end
        for _, block in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[6], '+inf')) do
          if block == other then return others('-') end
          local ids, sorted, last = {}, true, -1
          for _, member in ipairs(redis.call('SMEMBERS', prefix .. block)) do
            local n = tonumber(member)
            if n > floor then
              ids[#ids + 1] = n
              sorted = sorted and n > last
              last = n
            end
          end
          if not sorted then table.sort(ids) end
          for _, n in ipairs(ids) do
            out[#out + 1] = string.format('%d', n)
            if #out == count then return out end
          end
        end
        return out
        """;

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
