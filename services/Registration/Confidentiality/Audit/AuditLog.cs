using System.Globalization;
using System.Text.Json;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Storage;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Audit;

/// <summary>The audit log's verdict on its own chain.</summary>
public sealed record ChainVerification(long Checked, long HeadSequence, byte[] HeadHash, BrokenLink? Broken)
{
    public bool Intact => Broken is null;
}

/// <summary>One page of audit entries and the token of the next.</summary>
public sealed record AuditPage(IReadOnlyList<ChainedEntry> Entries, string? NextPageToken);

/// <summary>
/// C-5: the append-only, hash-chained audit log in Redis, in two stages.
/// <para>
/// Appending: a use case adds its entry to the <c>pending</c> stream — for a change in the same atomic
/// step as the change itself (<see cref="Pending"/>), for a read before the clear data is returned
/// (<see cref="AppendAsync"/>). XADD is atomic and durable (AOF), and appenders never touch the chain,
/// so any number of requests on any number of replicas append without coordinating.
/// </para>
/// <para>
/// Chaining (<see cref="ChainPendingAsync"/>, run by <see cref="AuditChainWorker"/>): the oldest pending
/// entries get the next sequence numbers and hashes — SHA-256 of the previous hash and the entry,
/// computed here in .NET — and one Lua script moves them to the <c>log</c> stream, indexes them by
/// customer and employee, deletes them from <c>pending</c> and moves the <c>head</c> (sequence, hash,
/// last id), only if the head is still the one the hashes were computed from. That compare-and-set is
/// why the chain cannot fork: two chainers (a lease that lapsed during a pause) both read head h; the
/// first script moves it to h′; the second finds h′ ≠ h and writes nothing, then chains what is still
/// pending on top of h′. Nothing is chained twice (pending entries leave in the same script) or lost
/// (they stay pending until a script succeeds). The lease only avoids wasted work.
/// </para>
/// Log ids are <c>&lt;ms&gt;-&lt;n&gt;</c> from the entries' own times (never earlier than the previous id), so
/// a period is a range of ids; the indexes are sorted by sequence number.
/// </summary>
public sealed class AuditLog(IConnectionMultiplexer redis)
{
    public const int MaxPageSize = 1000;
    private const string Prefix = "cp:registration:audit:";
    private const string PendingType = "audit";

    public static readonly RedisKey PendingKey = Prefix + "pending";
    public static readonly RedisKey LogKey = Prefix + "log";
    public static readonly RedisKey HeadKey = Prefix + "head";
    public static readonly RedisKey LeaseKey = Prefix + "lease";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The customer index (<see cref="CustomerBlock"/>): a field of a hash shared by a block of this many
    /// customer ids. Fixed: changing it would need every field moved to its new block.
    /// </summary>
    public const int CustomerBlockSize = 128;

    /// <summary>
    /// A customer's field in its block holds at most this many bytes of tokens; the entry that would
    /// make it longer spills them all to the customer's sorted set. Below hash-max-listpack-value (1024
    /// on the AppHost's Redis) with room for one more token, so a block hash stays one listpack.
    /// </summary>
    public const int SpillBytes = 900;

    /// <summary>The field's value once the customer's entries live in its sorted set.</summary>
    public const string SpilledMarker = "*";

    // KEYS: head, log, pending, index keys. ARGV: expected head, new head, count, then per entry the
    // pending id, log id, the positions of its customer block, customer sorted set and employee index
    // keys (0: none) and the 11 stored fields (the 6th is the customer id, its field in the block).
    // The head check comes first and nothing is written when it fails.
    private static readonly string ChainScript =
        $$"""
        if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
        local function index_customer(block, set, customer, n, sid)
          local token = n .. ':' .. sid
          local tokens = redis.call('HGET', block, customer)
          if tokens == '{{SpilledMarker}}' then
            redis.call('ZADD', set, n, sid)
          elseif not tokens then
            -- A customer indexed by a version before the blocks has only its sorted set: it stays there.
            if redis.call('EXISTS', set) == 1 then redis.call('ZADD', set, n, sid) else redis.call('HSET', block, customer, token) end
          elseif #tokens + 1 + #token <= {{SpillBytes}} then
            redis.call('HSET', block, customer, tokens .. ' ' .. token)
          else
            for s, id in string.gmatch(tokens, '(%d+):(%S+)') do redis.call('ZADD', set, s, id) end
            redis.call('ZADD', set, n, sid)
            redis.call('HSET', block, customer, '{{SpilledMarker}}')
          end
        end
        local a = 4
        for i = 1, tonumber(ARGV[3]) do
          local sid = ARGV[a + 1]
          local bi = tonumber(ARGV[a + 2])
          local si = tonumber(ARGV[a + 3])
          local ei = tonumber(ARGV[a + 4])
          local n = ARGV[a + 5]
          redis.call('XADD', KEYS[2], sid, 'n', n, 'h', ARGV[a + 6], 'a', ARGV[a + 7], 'w', ARGV[a + 8], 'r', ARGV[a + 9],
            'c', ARGV[a + 10], 'k', ARGV[a + 11], 'f', ARGV[a + 12], 'p', ARGV[a + 13], 'm', ARGV[a + 14], 'd', ARGV[a + 15])
          if bi > 0 then index_customer(KEYS[bi], KEYS[si], ARGV[a + 10], n, sid) end
          if ei > 0 then redis.call('ZADD', KEYS[ei], n, sid) end
          redis.call('XDEL', KEYS[3], ARGV[a])
          a = a + 16
        end
        redis.call('SET', KEYS[1], ARGV[2])
        return 1
        """;

    // KEYS: the customer's block, its sorted set. ARGV: customer id, first sequence number, the one
    // beyond the range, at most how many. Returns the log ids, in sequence order. A missing field is
    // also a customer indexed by a version before the blocks (only a sorted set): read as it was
    // written, so that data needs no migration.
    private const string CustomerEntriesScript =
        $$"""
        local tokens = redis.call('HGET', KEYS[1], ARGV[1])
        if not tokens or tokens == '{{SpilledMarker}}' then
          return redis.call('ZRANGE', KEYS[2], ARGV[2], '(' .. ARGV[3], 'BYSCORE', 'LIMIT', 0, ARGV[4])
        end
        local start, beyond, size = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
        local ids = {}
        for s, id in string.gmatch(tokens, '(%d+):(%S+)') do
          local n = tonumber(s)
          if n >= beyond then break end
          if n >= start then
            ids[#ids + 1] = id
            if #ids == size then break end
          end
        end
        return ids
        """;

    /// <summary>Wakes the chainer right after an append instead of at its next poll.</summary>
    public SemaphoreSlim Signal { get; } = new(0, int.MaxValue);

    private IDatabase Db => redis.GetDatabase();

    /// <summary>
    /// Hash: the customer index of a block of <see cref="CustomerBlockSize"/> consecutive customer ids
    /// (ids are integers, CustomerIdAllocator; any other id goes to a block by a stable hash), field =
    /// customer id, value = its entries as "&lt;sequence&gt;:&lt;log id&gt;" tokens separated by spaces, in
    /// sequence order, or <see cref="SpilledMarker"/>. Most customers have one or a few entries: a field
    /// in a shared listpack costs ~29 bytes where a sorted set of its own cost ~120 (docs/confidentiality.md).
    /// </summary>
    public static RedisKey CustomerBlock(string customerId) =>
        $"{Prefix}customers:{{{RegistrationKeys.IdBucket(customerId, CustomerBlockSize)}}}";

    /// <summary>
    /// Sorted set (member = log id, score = sequence number): the entries of a customer whose tokens
    /// outgrew its field (<see cref="SpillBytes"/>), and of a customer indexed before the blocks existed.
    /// </summary>
    public static RedisKey CustomerSortedSet(string customerId) => $"{Prefix}customer:{{{customerId}}}";

    public static RedisKey EmployeeIndex(string employeeId) => $"{Prefix}employee:{{{employeeId}}}";

    /// <summary>The entry of a change, in the change's own atomic step: no change without its entry, no entry without its change.</summary>
    public static void Pending(AtomicChange change, AuditRecord record) =>
        change.StreamAdd(PendingKey, Guid.NewGuid().ToString("N"), PendingType, JsonSerializer.Serialize(record, Json));

    /// <summary>Entries of reads (clear data is returned only after this returned).</summary>
    public async Task AppendAsync(IReadOnlyCollection<AuditRecord> records)
    {
        if (records.Count == 0)
        {
            return;
        }

        var db = Db;
        await Task.WhenAll(records.Select(record => db.StreamAddAsync(PendingKey,
        [
            new NameValueEntry("id", Guid.NewGuid().ToString("N")),
            new NameValueEntry("type", PendingType),
            new NameValueEntry("body", JsonSerializer.Serialize(record, Json)),
            new NameValueEntry("traceparent", ""),
        ])));
        NotifyAppended();
    }

    public void NotifyAppended()
    {
        if (Signal.CurrentCount == 0)
        {
            Signal.Release();
        }
    }

    /// <summary>Chains up to <paramref name="max"/> pending entries; returns how many (0: nothing pending, or another chainer moved the head first).</summary>
    public async Task<int> ChainPendingAsync(int max = 256)
    {
        var db = Db;
        var stored = await db.StringGetAsync(HeadKey);
        var head = Head.Parse(stored);
        var pending = await db.StreamRangeAsync(PendingKey, "-", "+", max);
        if (pending.Length == 0)
        {
            return 0;
        }

        var keys = new List<RedisKey> { HeadKey, LogKey, PendingKey };
        var keyIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        int Key(RedisKey key)
        {
            var name = key.ToString();
            if (!keyIndex.TryGetValue(name, out var index))
            {
                keys.Add(key);
                index = keys.Count;
                keyIndex[name] = index;
            }

            return index;
        }

        // The head exactly as read (nothing before the first entry): the script compares it byte for byte.
        var args = new List<RedisValue>(3 + pending.Length * 16) { stored.IsNull ? "" : stored, RedisValue.Null, pending.Length };
        var current = head;
        foreach (var item in pending)
        {
            var record = Parse(item);
            var sequence = current.Sequence + 1;
            var id = current.NextId(record.At.ToUnixTimeMilliseconds());
            var hash = AuditChainHash.Next(current.Hash, sequence, record);
            var customer = record.CustomerId is { Length: > 0 } c ? c : null;
            args.AddRange(
            [
                item.Id, id.ToString(),
                customer is null ? 0 : Key(CustomerBlock(customer)),
                customer is null ? 0 : Key(CustomerSortedSet(customer)),
                Key(EmployeeIndex(record.EmployeeId)),
                sequence, hash, record.At.ToUnixTimeMilliseconds(), record.EmployeeId, record.Role, record.CustomerId ?? "",
                record.Kind, FieldCodec.Encode(record.Fields), record.Purpose ?? "", record.Rpc, record.Detail ?? "",
            ]);
            current = new Head(sequence, hash, id);
        }

        args[1] = current.Encoded;
        var applied = (int)await db.ScriptEvaluateAsync(ChainScript, [.. keys], [.. args]);
        return applied == 1 ? pending.Length : 0;
    }

    /// <summary>Chains until nothing is pending (an incident lists affected customers from a complete log).</summary>
    public async Task ChainAllAsync()
    {
        // Everything appended before this call; what arrives meanwhile is the worker's.
        var last = await Db.StreamRangeAsync(PendingKey, "-", "+", 1, Order.Descending);
        if (last.Length == 0)
        {
            return;
        }

        var until = LogId.Parse(last[0].Id!);
        for (var idle = 0; ;)
        {
            var first = await Db.StreamRangeAsync(PendingKey, "-", "+", 1);
            if (first.Length == 0 || LogId.Parse(first[0].Id!).CompareTo(until) > 0)
            {
                return;
            }

            // 0: another chainer moved the head first (go again on top of it); never progressing is a fault.
            idle = await ChainPendingAsync() > 0 ? 0 : idle + 1;
            if (idle == 100)
            {
                throw new InvalidOperationException("The audit chain makes no progress: its head or log was changed outside the chainer.");
            }
        }
    }

    public async Task<long> PendingCountAsync() => await Db.StreamLengthAsync(PendingKey);

    /// <summary>
    /// Entries by customer, by employee, both, or all, within [from, to) of the log's time (an entry's
    /// own time, or its predecessor's when replicas' clocks disagree by a few milliseconds), oldest first.
    /// </summary>
    public async Task<AuditPage> QueryAsync(string? customerId, string? employeeId, DateTimeOffset? from, DateTimeOffset? to, int pageSize, string? pageToken)
    {
        var size = pageSize <= 0 ? 100 : Math.Min(pageSize, MaxPageSize);
        var after = PageToken.Parse(pageToken);
        var db = Db;
        if (customerId is null && employeeId is null)
        {
            var min = after is { } a ? "(" + a.EntryId : from is { } f ? f.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : "-";
            var max = to is { } t ? "(" + t.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + "-0" : "+";
            var entries = (await db.StreamRangeAsync(LogKey, min, max, size)).Select(ToEntry).ToList();
            return new AuditPage(entries, entries.Count == size ? PageToken.Of(entries[^1]) : null);
        }

        var (lowest, beyond) = await SequenceRangeAsync(from, to);
        var start = Math.Max(lowest, (after?.Sequence ?? 0) + 1);
        var ids = customerId is not null
            ? await CustomerEntryIdsAsync(customerId, start, beyond, size)
            : (await db.SortedSetRangeByScoreAsync(EmployeeIndex(employeeId!), start, beyond, Exclude.Stop, Order.Ascending, 0, size)).Select(v => (string)v!).ToList();
        var read = await ReadAsync(ids);
        var page = read.Where(e => employeeId is null || e.Record.EmployeeId == employeeId).ToList();

        // The last entry read (even when filtered out) is where the next page starts.
        return new AuditPage(page, ids.Count == size && read.Count > 0 ? PageToken.Of(read[^1]) : null);
    }

    /// <summary>The log ids of a customer's entries with sequence numbers in [start, beyond), at most <paramref name="size"/>, oldest first: one round trip.</summary>
    private async Task<IReadOnlyList<string>> CustomerEntryIdsAsync(string customerId, long start, long beyond, int size)
    {
        var ids = (RedisResult[])(await Db.ScriptEvaluateAsync(CustomerEntriesScript, [CustomerBlock(customerId), CustomerSortedSet(customerId)],
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
            var ids = await Db.SortedSetRangeByScoreWithScoresAsync(EmployeeIndex(employeeId), start, double.PositiveInfinity, Exclude.None, Order.Ascending, 0, MaxPageSize);
            foreach (var entry in await ReadAsync(ids.Select(v => (string)v.Element!).ToList()))
            {
                if (entry.Record.CustomerId is { Length: > 0 } customer && AuditKinds.Touching.Contains(entry.Record.Kind))
                {
                    customers.Add(customer);
                }
            }

            if (ids.Length < MaxPageSize)
            {
                return customers;
            }

            start = ids[^1].Score + 1;
        }
    }

    /// <summary>Re-computes the whole chain from the first entry and compares it with every stored hash and the head.</summary>
    public async Task<ChainVerification> VerifyAsync()
    {
        var db = Db;
        var head = Head.Parse(await db.StringGetAsync(HeadKey));
        var verifier = new ChainVerifier();
        RedisValue min = "-";
        while (verifier.Broken is null)
        {
            var page = await db.StreamRangeAsync(LogKey, min, "+", MaxPageSize);
            foreach (var item in page)
            {
                verifier.Feed(ToEntry(item));
            }

            if (page.Length < MaxPageSize)
            {
                break;
            }

            min = "(" + page[^1].Id;
        }

        return new ChainVerification(verifier.Checked, head.Sequence, head.Hash, verifier.Finish(head.Sequence, head.Hash));
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

            var first = await Db.StreamRangeAsync(LogKey, instant.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), "+", 1);
            return first.Length == 0 ? long.MaxValue : (long)first[0]["n"];
        }

        return (await FirstAtOrAfter(from, 1), await FirstAtOrAfter(to, long.MaxValue));
    }

    private async Task<IReadOnlyList<ChainedEntry>> ReadAsync(IReadOnlyList<string> ids)
    {
        var batch = Db.CreateBatch();
        var reads = ids.Select(id => batch.StreamRangeAsync(LogKey, id, id, 1)).ToList();
        batch.Execute();
        return (await Task.WhenAll(reads)).Where(r => r.Length == 1).Select(r => ToEntry(r[0])).ToList();
    }

    private static AuditRecord Parse(StreamEntry pending)
    {
        try
        {
            return JsonSerializer.Deserialize<AuditRecord>((string)pending["body"]!, Json)!;
        }
        catch (JsonException)
        {
            // Never block the chain on one unreadable entry: chain the fact that it was unreadable.
            return new AuditRecord(DateTimeOffset.UnixEpoch, "unknown", "unknown", null, "unreadable", [], null, "audit", pending.Id.ToString());
        }
    }

    private static ChainedEntry ToEntry(StreamEntry e)
    {
        static string? Text(RedisValue value) => value.IsNullOrEmpty ? null : (string)value!;
        var record = new AuditRecord(
            DateTimeOffset.FromUnixTimeMilliseconds((long)e["a"]),
            (string)e["w"]!,
            (string)e["r"]!,
            Text(e["c"]),
            (string)e["k"]!,
            FieldCodec.Decode(e["f"]),
            Text(e["p"]),
            (string)e["m"]!,
            Text(e["d"]));
        return new ChainedEntry(e.Id!, (long)e["n"], (byte[])e["h"]!, record);
    }

    /// <summary>
    /// The fields of an entry as stored: the protected fields (C-1) as a bit mask of their tags — a
    /// small integer instead of ~70 bytes of names in every entry — or, should an entry name anything
    /// else, the names as they are. The chain hashes the names either way.
    /// </summary>
    private static class FieldCodec
    {
        public static RedisValue Encode(IReadOnlyList<string> fields)
        {
            var mask = 0L;
            foreach (var name in fields)
            {
                var field = Domain.CustomerClassification.Protected.FirstOrDefault(f => f.Name == name);
                if (field is null)
                {
                    return string.Join(',', fields);
                }

                mask |= 1L << field.Tag;
            }

            // Only when the mask gives back exactly these names (classification order, no repeats), which the hash covers.
            return Decode(mask).SequenceEqual(fields) ? mask : string.Join(',', fields);
        }

        public static IReadOnlyList<string> Decode(RedisValue value)
        {
            if (value.IsNullOrEmpty)
            {
                return [];
            }

            if (!value.TryParse(out long mask))
            {
                return ((string)value!).Split(',');
            }

            return Domain.CustomerClassification.Protected.Where(f => (mask & (1L << f.Tag)) != 0).Select(f => f.Name).ToList();
        }
    }

    /// <summary>The chain's head: last sequence number, its hash and the last log id ("n|hex|id"; empty before the first entry).</summary>
    private sealed record Head(long Sequence, byte[] Hash, LogId LastId)
    {
        public string Encoded => $"{Sequence}|{Convert.ToHexStringLower(Hash)}|{LastId}";

        public LogId NextId(long atMs) => atMs > LastId.Ms ? new LogId(atMs, 0) : LastId with { Seq = LastId.Seq + 1 };

        public static Head Parse(RedisValue value)
        {
            if (value.IsNullOrEmpty)
            {
                return new Head(0, AuditChainHash.Genesis, new LogId(0, 0));
            }

            var parts = ((string)value!).Split('|');
            return new Head(long.Parse(parts[0], CultureInfo.InvariantCulture), Convert.FromHexString(parts[1]), LogId.Parse(parts[2]));
        }
    }

    private sealed record LogId(long Ms, long Seq) : IComparable<LogId>
    {
        public int CompareTo(LogId? other) => other is null ? 1 : Ms != other.Ms ? Ms.CompareTo(other.Ms) : Seq.CompareTo(other.Seq);

        public override string ToString() => $"{Ms}-{Seq}";

        public static LogId Parse(string id)
        {
            var dash = id.IndexOf('-', StringComparison.Ordinal);
            return new LogId(long.Parse(id.AsSpan(0, dash), CultureInfo.InvariantCulture), long.Parse(id.AsSpan(dash + 1), CultureInfo.InvariantCulture));
        }
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
