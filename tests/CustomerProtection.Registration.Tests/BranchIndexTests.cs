using CustomerProtection.Storage;
using System.Globalization;
using System.Text;
using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Tests;

/// <summary>
/// The index of a branch's customers (P-13, X-7) as blocks of 1,024 ids, each an integer set, with a
/// directory of blocks per branch (docs/registration.md, memory), on a real redis-server with the
/// AppHost's settings: listing and export page through every block in numeric id order, ids that are
/// not integers last; a customer moving branch moves between the listings; layout 3's sorted sets are
/// migrated; the memory it takes.
/// </summary>
public sealed class BranchIndexTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly Harness _h = new(redis);

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1", "S2");
        await _h.SeedBranchAsync("B-BJ", autoApprove: false, "BJ1");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("0", "0")]
    [InlineData("1023", "0")]
    [InlineData("1024", "1")]
    [InlineData("5000123", "4882")]
    [InlineData("999999999999999", "976562499999")]
    [InlineData("1000000000000000", "x")] // 16 digits: past what a Lua number holds exactly
    [InlineData("007", "x")] // not canonical: Redis would keep it as a string, not in the integer set
    [InlineData("-5", "x")]
    [InlineData("C-17", "x")]
    [InlineData("", "x")]
    public void An_integer_id_goes_to_its_block_of_1024_and_any_other_id_to_the_other_ids_block(string id, string block) =>
        Assert.Equal(block, RegistrationKeys.CustomerBlock(id));

    [Fact]
    public async Task P13_X7_a_branch_pages_completely_in_numeric_id_order_across_blocks_with_other_ids_last()
    {
        var integers = Range(600, 400).Concat(Range(2048, 400)).Concat(Range(5120, 50)).ToList();
        string[] others = ["legacy-b", "007", "legacy-a"];
        // Shuffled: the order comes from the index, not from the writes.
        await WriteAsync("B-SH", [.. integers.Concat(others).Concat(["3072"]).OrderBy(_ => Random.Shared.Next())]);
        // Another branch's customers in the same blocks are not listed.
        await WriteAsync("B-BJ", [.. Range(1000, 24), .. Range(2448, 30), "legacy-c"]);
        // Block 3's only customer moves away: the block is gone, its directory entry stays and is skipped.
        await MoveAsync("3072", "B-BJ");
        Assert.False(await _h.Db.KeyExistsAsync(RegistrationKeys.BranchCustomers("B-SH", "3")));
        Assert.Equal(["0", "2", "3", "5", "x"], (await _h.Db.SortedSetRangeByScoreAsync(RegistrationKeys.BranchCustomerBlocks("B-SH"))).Select(b => (string)b!));

        List<string> expected = [.. integers, "007", "legacy-a", "legacy-b"];
        foreach (var size in new[] { 7, 100, 353, PageSizes.Max })
        {
            Assert.Equal(expected, await ListAsync("B-SH", size));
        }

        // Export reads pages of 500: the first ends inside block 2, the second starts there.
        Assert.Equal(expected, await ExportIdsAsync("B-SH"));
        // The page token is the last id: within and between blocks, into and within the other ids.
        Assert.Equal(["2048", "2049"], await _h.Store.BranchCustomerIdsAsync("B-SH", "999", 2));
        Assert.Equal(["5120"], await _h.Store.BranchCustomerIdsAsync("B-SH", "3072", 1));
        Assert.Equal(["007", "legacy-a"], await _h.Store.BranchCustomerIdsAsync("B-SH", "5169", 2));
        Assert.Equal(["legacy-a", "legacy-b"], await _h.Store.BranchCustomerIdsAsync("B-SH", "007", 5));
        Assert.Empty(await _h.Store.BranchCustomerIdsAsync("B-SH", "legacy-b", 5));
        Assert.Equal([.. Range(1000, 24), .. Range(2448, 30), "3072", "legacy-c"], await ListAsync("B-BJ", 10));
        // Full blocks of integers are integer sets (the memory they save, docs/registration.md).
        Assert.Equal("intset", (string?)await _h.Db.ExecuteAsync("OBJECT", "ENCODING", RegistrationKeys.BranchCustomers("B-SH", "2")));
    }

    [Fact]
    public async Task P13_an_award_into_another_branch_takes_the_customer_out_of_the_old_branchs_listing_into_the_new()
    {
        var moving = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");
        var staying = await _h.FileAndApproveAsync("S2", "上海东方精工有限公司");
        var id = moving.Value.Id;
        Assert.Equal([id, staying.Value.Id], await ListAsync("B-SH", 10));

        await _h.Cases.OpenedAsync(new CaseOpened("CASE-9", "objection", id, "BJ1", "S1", _h.Time.GetUtcNow()));
        Assert.True(await _h.Cases.AwardedAsync(new OwnershipAwarded("CASE-9", id, "BJ1", "S1", [], Resolutions.Decision, "P-9.2", "hq", _h.Time.GetUtcNow())));

        Assert.Equal("B-BJ", (await _h.CustomerAsync(id)).BranchId);
        Assert.Equal([staying.Value.Id], await ListAsync("B-SH", 10));
        Assert.Equal([id], await ListAsync("B-BJ", 10));
        // The old branch's directory keeps the block: its other customer is still in it.
        Assert.Equal(1, await _h.Db.SortedSetLengthAsync(RegistrationKeys.BranchCustomerBlocks("B-SH")));
        Assert.Equal([staying.Value.Id], await ExportIdsAsync("B-SH"));
    }

    [Fact]
    public async Task Layout_3_branch_sorted_sets_are_moved_into_blocks_in_chunks_and_a_crash_half_way_is_harmless()
    {
        List<string> integers = [.. Range(1, 1200), "4096", "999999999999999"];
        string[] others = ["abc", "1234567890123456", "007"];
        await _h.Db.SortedSetAddAsync(RegistrationKeys.LegacyBranchCustomers("B-SH"), [.. integers.Concat(others).Select(id => new SortedSetEntry(id, 0))]);
        await _h.Db.SortedSetAddAsync(RegistrationKeys.LegacyBranchCustomers("B-BJ"), [new("77", 0), new("2050", 0)]);
        var migration = new StorageMigration(redis.Connection, _h.Replica, _h.Clock, NullLogger<StorageMigration>.Instance);

        // A replica stops after its first chunk (1,000 of the lexically first ids)…
        Assert.Equal(integers.Count + others.Length - StorageMigration.BranchChunk, await migration.MoveBranchCustomersAsync("B-SH", 1));
        // …and the next start finishes the work.
        Assert.Equal(2, await migration.MigrateAsync());

        Assert.Equal(0, await _h.Db.KeyExistsAsync([RegistrationKeys.LegacyBranchCustomers("B-SH"), RegistrationKeys.LegacyBranchCustomers("B-BJ")]));
        Assert.Equal([.. integers, "007", "1234567890123456", "abc"], await IdsAsync("B-SH", 64));
        Assert.Equal(["77", "2050"], await IdsAsync("B-BJ", 64));
        Assert.Equal(["0", "1", "4", "976562499999", "x"], (await _h.Db.SortedSetRangeByScoreAsync(RegistrationKeys.BranchCustomerBlocks("B-SH"))).Select(b => (string)b!));
        Assert.Equal("intset", (string?)await _h.Db.ExecuteAsync("OBJECT", "ENCODING", RegistrationKeys.BranchCustomers("B-SH", "0")));
        Assert.Equal(StorageMigration.CurrentLayout, (string?)await _h.Db.StringGetAsync(StorageMigration.Marker));

        Assert.Equal(0, await migration.MigrateAsync());
    }

    [Fact]
    public async Task Memory_the_index_of_10000_customers_in_two_branches_takes_under_15_bytes_a_customer()
    {
        // Consecutive ids as the allocator hands them out, filed in both branches in turn.
        const int Customers = 10_000;
        const long First = 5_000_001;
        await WriteAsync(i => i % 2 == 0 ? "B-SH" : "B-BJ", [.. Enumerable.Range(0, Customers).Select(i => (First + i).ToString(CultureInfo.InvariantCulture))]);

        var server = redis.Connection.GetServer(redis.ConnectionString);
        long bytes = 0;
        var blocks = 0;
        foreach (var branch in new[] { "B-SH", "B-BJ" })
        {
            bytes += (long)await _h.Db.ExecuteAsync("MEMORY", "USAGE", RegistrationKeys.BranchCustomerBlocks(branch), "SAMPLES", "0");
            await foreach (var key in server.KeysAsync(pattern: RegistrationKeys.BranchCustomersPrefix(branch) + "*"))
            {
                bytes += (long)await _h.Db.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0");
                blocks++;
            }
        }

        Assert.Equal(Customers, (await ListAsync("B-SH", PageSizes.Max)).Count + (await ListAsync("B-BJ", PageSizes.Max)).Count);
        Assert.Equal(2 * 11, blocks); // ids 5,000,001–5,010,000: blocks 4882–4892
        Assert.True(bytes < 15 * Customers, $"{bytes} B for {Customers} customers: {(double)bytes / Customers:F1} B each");
    }

    private static IEnumerable<string> Range(int start, int count) => Enumerable.Range(start, count).Select(i => i.ToString(CultureInfo.InvariantCulture));

    private Task WriteAsync(string branch, IReadOnlyList<string> ids) => WriteAsync(_ => branch, ids);

    /// <summary>Customers with these ids (pending filings of S1) through the use cases' write path, 500 at a time.</summary>
    private async Task WriteAsync(Func<int, string> branch, IReadOnlyList<string> ids)
    {
        var now = _h.Clock.Now;
        foreach (var chunk in ids.Select((id, i) => (id, i)).Chunk(500))
        {
            var results = await Task.WhenAll(chunk.Select(c => _h.Writer.CommitAsync(_h.Writer.Change(null, new Customer
            {
                Id = c.id,
                IdentityKey = "test:" + c.id,
                Title = "测试客户" + c.id,
                Class = CustomerClasses.Potential,
                BranchId = branch(c.i),
                Status = CustomerStatus.Pending,
                OwnerId = "S1",
                FiledBy = "S1",
                FiledAt = now.ToDateTimeOffset(),
            }, now, [], []))));
            Assert.All(results, r => Assert.True(r.Succeeded));
        }
    }

    private async Task MoveAsync(string id, string branch)
    {
        var old = (await _h.Store.GetAsync(id))!;
        Assert.True((await _h.Writer.CommitAsync(_h.Writer.Change(old, old.Value with { BranchId = branch }, _h.Clock.Now, [], []))).Succeeded);
    }

    /// <summary>The branch's customers through ListCustomers (ListCustomers), page by page.</summary>
    private async Task<List<string>> ListAsync(string branch, int pageSize)
    {
        var ids = new List<string>();
        string? token = null;
        do
        {
            var page = await _h.ListCustomers.ExecuteAsync(Harness.Hq, branch, null, CustomerFilter.None, pageSize, token);
            Assert.True(page.Items.Count <= pageSize);
            ids.AddRange(page.Items.Select(i => i.Customer.Value.Id));
            token = page.NextPageToken;
        }
        while (token is not null);

        return ids;
    }

    /// <summary>The index alone (no customer hashes needed), page by page.</summary>
    private async Task<List<string>> IdsAsync(string branch, int pageSize)
    {
        var ids = new List<string>();
        while (await _h.Store.BranchCustomerIdsAsync(branch, ids.Count == 0 ? null : ids[^1], pageSize) is { Count: > 0 } page)
        {
            ids.AddRange(page);
        }

        return ids;
    }

    /// <summary>The customer ids of the X-7 export's rows (first column), in order.</summary>
    private async Task<List<string>> ExportIdsAsync(string branch)
    {
        var text = new StringBuilder();
        await foreach (var chunk in _h.Export.ExecuteAsync(Harness.RegionalManager, branch, CancellationToken.None))
        {
            text.Append(Encoding.UTF8.GetString(chunk));
        }

        return [.. text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(',')[0].Trim())];
    }
}
