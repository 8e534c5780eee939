using System.Reflection;
using System.Runtime.CompilerServices;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace CustomerProtection.Registration.Tests.Confidentiality;

/// <summary>
/// C-5's customer index on a real redis-server with the AppHost's Redis settings: fields of block
/// hashes, the spill to a customer's sorted set, sorted sets written before the blocks, the chain's
/// compare-and-set, and the memory it takes.
/// </summary>
public sealed class AuditCustomerIndexTests(RedisServer redis, ITestOutputHelper output) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.FromHours(8));
    private readonly AuditLog _log = new(redis.Connection);
    private int _appended;

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private IDatabase Db => redis.Connection.GetDatabase();

    /// <summary>One entry per customer, at Start + (number of entries so far + 1) minutes: entry n is at Start + n minutes.</summary>
    private Task AppendAsync(params string[] customers) =>
        _log.AppendAsync(customers.Select(customer =>
        {
            _appended++;
            return new AuditRecord(Start.AddMinutes(_appended), "S1", Roles.Salesperson, customer, AuditKinds.Read, ["contact_phone"],
                Purposes.SalesDevelopment, "Customers/GetCustomer", "entry " + _appended);
        }).ToList());

    private async Task<List<long>> AllPagesAsync(string customer, int pageSize, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var sequences = new List<long>();
        string? token = null;
        do
        {
            var page = await _log.QueryAsync(customer, null, from, to, pageSize, token);
            Assert.True(page.Entries.Count <= pageSize);
            Assert.All(page.Entries, e => Assert.Equal(customer, e.Record.CustomerId));
            sequences.AddRange(page.Entries.Select(e => e.Sequence));
            token = page.NextPageToken;
        }
        while (token is not null);
        return sequences;
    }

    private async Task<string?> FieldAsync(string customer) => await Db.HashGetAsync(AuditKeys.CustomerBlock(customer), customer);

    [Fact]
    public void C5_customer_blocks_group_consecutive_ids_and_hash_other_ids_stably()
    {
        Assert.Equal((RedisKey)"cp:{registration}:audit:customers:{0}", AuditKeys.CustomerBlock("127"));
        Assert.Equal((RedisKey)"cp:{registration}:audit:customers:{1}", AuditKeys.CustomerBlock("128"));
        Assert.Equal((RedisKey)"cp:{registration}:audit:customers:{78}", AuditKeys.CustomerBlock("10000"));

        // Not integers: one of 1,024 blocks by FNV-1a, never an integer block's name.
        var hashed = AuditKeys.CustomerBlock("C-7").ToString();
        Assert.Matches(@"^cp:\{registration}:audit:customers:\{x\d{1,4}\}$", hashed);
        Assert.Equal(hashed, AuditKeys.CustomerBlock("C-7").ToString());
        Assert.Equal((RedisKey)"cp:{registration}:audit:customer:{C-7}", AuditKeys.CustomerSortedSet("C-7"));
    }

    [Fact]
    public async Task C5_a_customer_with_a_few_entries_is_one_field_of_its_block_queried_by_range_and_page_by_page()
    {
        // Entries 1..12 by turns for customers 7, 8 (same block) and C-7 (a hashed block).
        for (var i = 1; i <= 12; i++)
        {
            await AppendAsync((i % 3) switch { 0 => "7", 1 => "8", _ => "C-7" });
        }

        await _log.ChainAllAsync();

        var entries = (await _log.QueryAsync(null, null, null, null, 100, null)).Entries;
        string Token(long n) => $"{n}:{entries[(int)n - 1].EntryId}";
        Assert.Equal(string.Join(' ', new long[] { 3, 6, 9, 12 }.Select(Token)), await FieldAsync("7"));
        Assert.Equal(string.Join(' ', new long[] { 1, 4, 7, 10 }.Select(Token)), await FieldAsync("8"));
        Assert.Equal(string.Join(' ', new long[] { 2, 5, 8, 11 }.Select(Token)), await FieldAsync("C-7"));
        Assert.False(await Db.KeyExistsAsync(AuditKeys.CustomerSortedSet("7")));
        Assert.False(await Db.KeyExistsAsync(AuditKeys.CustomerSortedSet("C-7")));

        Assert.Equal([3L, 6, 9, 12], await AllPagesAsync("7", 1));
        Assert.Equal([3L, 6, 9, 12], await AllPagesAsync("7", 2));
        Assert.Equal([2L, 5, 8, 11], await AllPagesAsync("C-7", 3));

        // Entry n is at Start + n minutes: [+4 min, +10 min) holds 6 and 9 of customer 7, 4 and 7 of customer 8.
        Assert.Equal([6L, 9], await AllPagesAsync("7", 1, Start.AddMinutes(4), Start.AddMinutes(10)));
        Assert.Equal([4L, 7], await AllPagesAsync("8", 100, Start.AddMinutes(4), Start.AddMinutes(10)));
        Assert.Empty(await AllPagesAsync("7", 10, Start.AddMinutes(13), null));
        Assert.Empty(await AllPagesAsync("9", 10));
    }

    [Fact]
    public async Task C5_a_customer_whose_tokens_outgrow_the_field_spills_to_its_sorted_set_keeping_every_entry_in_order()
    {
        // Customer 300's entries (~20 bytes a token) pass SpillBytes after about 45; 301 shares the block.
        var customer300 = new List<long>();
        for (var i = 1; i <= 100; i++)
        {
            var customer = i % 10 == 0 ? "301" : "300";
            await AppendAsync(customer);
            if (customer == "300")
            {
                customer300.Add(i);
            }
        }

        // Chained 16 at a time: the spill happens in the middle of one script, later entries in later ones.
        var (tokensSeen, spilledSeen) = (false, false);
        while (await _log.ChainPendingAsync(16) > 0)
        {
            var field = await FieldAsync("300");
            Assert.NotNull(field);
            if (field == AuditKeys.SpilledMarker)
            {
                spilledSeen = true;
            }
            else
            {
                Assert.False(spilledSeen, "a spilled customer's entries stay in its sorted set");
                Assert.InRange(field.Length, 1, AuditKeys.SpillBytes);
                tokensSeen = true;
            }
        }

        Assert.True(tokensSeen && spilledSeen);
        Assert.Equal(0, await _log.PendingCountAsync());
        var set = await Db.SortedSetRangeByRankWithScoresAsync(AuditKeys.CustomerSortedSet("300"));
        Assert.Equal(customer300, set.Select(e => (long)e.Score));
        var entries = (await _log.QueryAsync(null, null, null, null, 1000, null)).Entries;
        Assert.Equal(customer300.Select(n => entries[(int)n - 1].EntryId), set.Select(e => (string)e.Element!));
        Assert.Equal(string.Join(' ', Enumerable.Range(1, 10).Select(k => $"{k * 10}:{entries[(k * 10) - 1].EntryId}")), await FieldAsync("301"));
        Assert.Equal("listpack", (string?)await Db.ExecuteAsync("OBJECT", "ENCODING", AuditKeys.CustomerBlock("300").ToString()));

        Assert.Equal(customer300, await AllPagesAsync("300", 7));
        Assert.Equal(customer300.Where(n => n is >= 40 and < 60), await AllPagesAsync("300", 4, Start.AddMinutes(40), Start.AddMinutes(60)));
        Assert.Equal(Enumerable.Range(1, 10).Select(k => k * 10L), await AllPagesAsync("301", 3));
    }

    [Fact]
    public async Task C5_a_customer_indexed_in_a_sorted_set_before_the_blocks_is_still_queried_and_new_entries_join_its_set()
    {
        for (var i = 1; i <= 8; i++)
        {
            await AppendAsync(i % 2 == 0 ? "42" : "43");
        }

        await _log.ChainAllAsync();

        // Customer 42 as the version before the blocks indexed it: a sorted set (log id scored by sequence number), no field.
        var block = AuditKeys.CustomerBlock("42");
        var tokens = ((string?)await Db.HashGetAsync(block, "42"))!.Split(' ').Select(t => t.Split(':')).ToList();
        await Db.HashDeleteAsync(block, "42");
        await Db.SortedSetAddAsync(AuditKeys.CustomerSortedSet("42"), tokens.Select(t => new SortedSetEntry(t[1], long.Parse(t[0], System.Globalization.CultureInfo.InvariantCulture))).ToArray());

        Assert.Equal([2L, 4, 6, 8], await AllPagesAsync("42", 3));
        Assert.Equal([4L, 6], await AllPagesAsync("42", 1, Start.AddMinutes(3), Start.AddMinutes(7)));

        await AppendAsync("42", "43", "42");
        await _log.ChainAllAsync();

        Assert.False(await Db.HashExistsAsync(block, "42"));
        Assert.Equal(6, await Db.SortedSetLengthAsync(AuditKeys.CustomerSortedSet("42")));
        Assert.Equal([2L, 4, 6, 8, 9, 11], await AllPagesAsync("42", 4));
        Assert.Equal([1L, 3, 5, 7, 10], await AllPagesAsync("43", 4));
        Assert.False(await Db.KeyExistsAsync(AuditKeys.CustomerSortedSet("43")));
    }

    [Fact]
    public async Task C5_a_chainer_whose_head_went_stale_writes_nothing_neither_to_the_log_nor_to_the_customer_index()
    {
        await AppendAsync("5", "6", "5");

        // Chainer A reads head and pending entries; right before its script runs, chainer B chains the same entries.
        var other = new AuditLog(redis.Connection);
        var stale = new AuditLog(ScriptHook.Before(redis.Connection, async () => Assert.Equal(3, await other.ChainPendingAsync())));

        Assert.Equal(0, await stale.ChainPendingAsync());

        var verification = await _log.VerifyAsync();
        Assert.True(verification.Intact, verification.Broken?.ToString());
        Assert.Equal((3L, 3L), (verification.Checked, verification.HeadSequence));
        var entries = (await _log.QueryAsync(null, null, null, null, 100, null)).Entries;
        Assert.Equal($"1:{entries[0].EntryId} 3:{entries[2].EntryId}", await FieldAsync("5"));
        Assert.Equal($"2:{entries[1].EntryId}", await FieldAsync("6"));

        // The stale chainer goes on on top of the new head.
        await AppendAsync("5");
        Assert.Equal(1, await stale.ChainPendingAsync());
        Assert.Equal([1L, 3, 4], await AllPagesAsync("5", 10));
        Assert.True((await _log.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task C5_the_customer_index_of_10000_customers_with_one_entry_each_takes_under_45_bytes_a_customer()
    {
        const int customers = 10_000;
        for (var first = 1; first <= customers; first += 1000)
        {
            await AppendAsync(Enumerable.Range(first, 1000).Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        }

        await _log.ChainAllAsync();

        var server = redis.Connection.GetServer(redis.ConnectionString);
        var blocks = await server.KeysAsync(pattern: "cp:{registration}:audit:customers:*").ToListAsync();
        Assert.Equal((customers / AuditKeys.CustomerBlockSize) + 1, blocks.Count);
        Assert.Empty(await server.KeysAsync(pattern: "cp:{registration}:audit:customer:*").ToListAsync());
        var bytes = 0L;
        foreach (var block in blocks)
        {
            Assert.Equal("listpack", (string?)await Db.ExecuteAsync("OBJECT", "ENCODING", block.ToString()));
            bytes += (long)await Db.ExecuteAsync("MEMORY", "USAGE", block.ToString(), "SAMPLES", "0");
        }

        output.WriteLine($"customer index: {bytes} B in {blocks.Count} blocks, {(double)bytes / customers:F1} B a customer");
        Assert.InRange((double)bytes / customers, 1, 45);
        Assert.Equal([1234L], await AllPagesAsync("1234", 10));
    }
}

/// <summary>A connection whose first script evaluation first runs <c>before</c> (another chainer moving the head in between).</summary>
#pragma warning disable CA1852 // not sealed: DispatchProxy derives the proxy type from it
internal class ScriptHook : DispatchProxy
#pragma warning restore CA1852
{
    private object _target = null!;
    private StrongBox<Func<Task>?> _before = null!;

    public static IConnectionMultiplexer Before(IConnectionMultiplexer connection, Func<Task> before) => Wrap(connection, new StrongBox<Func<Task>?>(before));

    private static T Wrap<T>(T target, StrongBox<Func<Task>?> before)
        where T : class
    {
        var proxy = Create<T, ScriptHook>();
        var hook = (ScriptHook)(object)proxy;
        (hook._target, hook._before) = (target, before);
        return proxy;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (method!.Name == nameof(IDatabase.ScriptEvaluateAsync) && Interlocked.Exchange(ref _before.Value, null) is { } before)
        {
            return EvaluateAfter(before, () => (Task<RedisResult>)method.Invoke(_target, args)!);
        }

        var result = method.Invoke(_target, args);
        return result is IDatabase database ? Wrap(database, _before) : result;
    }

    private static async Task<RedisResult> EvaluateAfter(Func<Task> before, Func<Task<RedisResult>> evaluate)
    {
        await before();
        return await evaluate();
    }
}
