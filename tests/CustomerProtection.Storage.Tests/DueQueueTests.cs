using CustomerProtection.Storage;
using CustomerProtection.Testing;
using StackExchange.Redis;

namespace CustomerProtection.Storage.Tests;

/// <summary>
/// The due-queue's two scripts (DueQueue: LeaseDueEntries, ReturnIfStillLeased) in both layouts, on a real
/// redis-server and on a 3-primary Redis Cluster. A bucketed queue's top level and its buckets share one
/// hash tag (<c>t:{q}:due</c>, <c>t:{q}:due:{bucket}</c>): one script reads and writes both.
/// </summary>
public abstract class DueQueueTests(IRedisTarget redis) : IAsyncLifetime
{
    public sealed class OneNode(RedisServer redis) : DueQueueTests(redis), IClassFixture<RedisServer>;

    public sealed class Cluster(RedisCluster redis) : DueQueueTests(redis), IClassFixture<RedisCluster>;

    private const string Top = "t:{q}:due";
    private const string EntriesPrefix = "t:{q}:due:";

    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private IDatabase Db => redis.Connection.GetDatabase();

    private DueQueue Flat => DueQueue.Flat(redis.Connection, Top);

    // Buckets of ten neighbouring ids, as Registration buckets its customers.
    private DueQueue Bucketed => DueQueue.Bucketed(redis.Connection, Top, EntriesPrefix, id => (int.Parse(id, System.Globalization.CultureInfo.InvariantCulture) / 10).ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    [Fact]
    public async Task Only_entries_due_now_are_claimed_earliest_first_each_once_until_its_lease_ends()
    {
        var queue = Flat;
        await Db.SortedSetAddAsync(Top, [new("b", Ms(T0)), new("a", Ms(T0.AddMinutes(-1))), new("later", Ms(T0.AddMinutes(1)))]);

        var first = await queue.ClaimAsync(T0, 10, Lease);

        Assert.Equal([new DueClaim("a", Ms(T0.AddMinutes(-1)), Ms(T0 + Lease)), new DueClaim("b", Ms(T0), Ms(T0 + Lease))], first);
        Assert.Empty(await queue.ClaimAsync(T0.AddSeconds(29), 10, Lease));
        Assert.Equal(Ms(T0 + Lease), await queue.DueAtAsync("a"));
        // A claimer that never came back: its entries are due again when the lease ends.
        Assert.Equal(["a", "b"], (await queue.ClaimAsync(T0 + Lease, 10, Lease)).Select(c => c.Member));
    }

    [Fact]
    public async Task Concurrent_claimers_never_get_the_same_entry()
    {
        var queue = Flat;
        await Db.SortedSetAddAsync(Top, Enumerable.Range(0, 500).Select(i => new SortedSetEntry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Ms(T0))).ToArray());

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => queue.ClaimAsync(T0, 100, Lease)));

        var members = claims.SelectMany(c => c).Select(c => c.Member).ToList();
        Assert.Equal(500, members.Count);
        Assert.Equal(500, members.Distinct().Count());
    }

    [Fact]
    public async Task A_release_returns_the_entry_to_its_due_instant_only_if_it_is_still_leased_by_the_claim()
    {
        var queue = Flat;
        await Db.SortedSetAddAsync(Top, [new("kept", Ms(T0)), new("moved", Ms(T0)), new("settled", Ms(T0)), new("taken-over", Ms(T0))]);
        var claims = (await queue.ClaimAsync(T0, 10, Lease)).ToDictionary(c => c.Member);

        // The owner's step rescheduled one entry and settled another; a second claimer took the last over after the lease ended.
        await Db.SortedSetAddAsync(Top, "moved", Ms(T0.AddDays(1)));
        await queue.RemoveAsync("settled");
        var later = T0 + Lease;
        await Db.SortedSetAddAsync(Top, "taken-over", Ms(later + Lease));

        Assert.True(await queue.ReleaseAsync(claims["kept"]));
        Assert.False(await queue.ReleaseAsync(claims["moved"]));
        Assert.False(await queue.ReleaseAsync(claims["settled"]));
        Assert.False(await queue.ReleaseAsync(claims["taken-over"]));

        Assert.Equal(Ms(T0), await queue.DueAtAsync("kept"));
        Assert.Equal(Ms(T0.AddDays(1)), await queue.DueAtAsync("moved"));
        Assert.Null(await queue.DueAtAsync("settled"));
        Assert.Equal(Ms(later + Lease), await queue.DueAtAsync("taken-over"));
    }

    [Fact]
    public async Task Buckets_stay_in_the_top_level_at_their_earliest_score_through_claims_and_releases()
    {
        var queue = Bucketed;
        await Db.SortedSetAddAsync(EntriesPrefix + "{0}", [new("1", Ms(T0)), new("2", Ms(T0.AddHours(1)))]);
        await Db.SortedSetAddAsync(EntriesPrefix + "{1}", [new("15", Ms(T0.AddMinutes(-5)))]);
        await Db.SortedSetAddAsync(Top, [new("0", Ms(T0)), new("1", Ms(T0.AddMinutes(-5)))]);

        var claims = await queue.ClaimAsync(T0, 10, Lease);

        Assert.Equal(["15", "1"], claims.Select(c => c.Member));
        Assert.Equal(EntriesPrefix + "{1}", (string?)queue.EntriesOf("15"));
        // Bucket 0 is next due at its lease's end; bucket 1 at the lease's end of its only entry.
        Assert.Equal(Ms(T0 + Lease), await Db.SortedSetScoreAsync(Top, "0"));
        Assert.Equal(Ms(T0 + Lease), await Db.SortedSetScoreAsync(Top, "1"));

        Assert.True(await queue.ReleaseAsync(claims[0]));
        Assert.Equal(Ms(T0.AddMinutes(-5)), await Db.SortedSetScoreAsync(Top, "1"));
        Assert.Equal(Ms(T0.AddMinutes(-5)), await queue.DueAtAsync("15"));

        // A bucket found empty leaves the top level.
        await Db.SortedSetRemoveAsync(EntriesPrefix + "{1}", "15");
        Assert.Equal(["1", "2"], (await queue.ClaimAsync(T0.AddHours(2), 10, Lease)).Select(c => c.Member));
        Assert.Equal(["0"], (await Db.SortedSetRangeByRankAsync(Top)).Select(v => (string?)v));
    }

    [Fact]
    public async Task A_batch_stops_at_its_count_across_buckets()
    {
        var queue = Bucketed;
        for (var bucket = 0; bucket < 5; bucket++)
        {
            var key = $"{EntriesPrefix}{{{bucket}}}";
            await Db.SortedSetAddAsync(key, Enumerable.Range(bucket * 10, 10).Select(i => new SortedSetEntry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Ms(T0))).ToArray());
            await Db.SortedSetAddAsync(Top, bucket.ToString(System.Globalization.CultureInfo.InvariantCulture), Ms(T0));
        }

        Assert.Equal(25, (await queue.ClaimAsync(T0, 25, Lease)).Count);
        Assert.Equal(25, (await queue.ClaimAsync(T0, 100, Lease)).Count);
        Assert.Empty(await queue.ClaimAsync(T0, 100, Lease));
        Assert.Equal(5, await Db.SortedSetLengthAsync(Top));
    }
}
