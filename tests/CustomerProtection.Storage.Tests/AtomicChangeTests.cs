using CustomerProtection.Contracts.Organization;
using CustomerProtection.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace CustomerProtection.Storage.Tests;

/// <summary>
/// The atomic change's one script on a real redis-server and on a 3-primary Redis Cluster: each check
/// passes and refuses as documented, each write writes what it says, every check runs before the first
/// write so a refused change writes nothing, a step larger than its first argument buffers is sent
/// whole, and a change is committed once. Every key of a change shares one hash tag with the outbox it
/// publishes to (<see cref="K"/>), the layout rule the services' keys follow; on the cluster a change
/// breaking that rule is refused whole (<see cref="Cluster"/>).
/// </summary>
public abstract class AtomicChangeTests(IRedisTarget redis) : IAsyncLifetime
{
    public sealed class OneNode(RedisServer redis) : AtomicChangeTests(redis), IClassFixture<RedisServer>;

    public sealed class Cluster(RedisCluster cluster, ITestOutputHelper output) : AtomicChangeTests(cluster), IClassFixture<RedisCluster>
    {
        private readonly RedisCluster _redis = cluster;

        [Fact]
        public async Task The_fixture_is_three_primaries_covering_every_slot()
        {
            output.WriteLine($"cluster {_redis.ConnectionString} started in {_redis.StartedIn.TotalMilliseconds:0} ms");
            var nodes = (await _redis.Primaries[0].ClusterNodesAsync())!.Nodes;
            Assert.Equal(3, nodes.Count(n => !n.IsReplica));
            Assert.Equal(16384, nodes.SelectMany(n => n.Slots).Sum(r => r.To - r.From + 1));
        }

        [Fact]
        public async Task A_change_over_keys_of_two_slots_is_refused_and_writes_nothing()
        {
            RedisKey here = K("a"), elsewhere = "t:{elsewhere}:b";
            Assert.NotEqual(_redis.Connection.HashSlot(here), _redis.Connection.HashSlot(elsewhere));

            var change = new AtomicChange().Expect(here, 0).Put(here, 1, "one").Put(elsewhere, 1, "two").Publish(Event);
            var refused = await Record.ExceptionAsync(() => change.CommitAsync(_redis.Connection.GetDatabase(), Outbox));

            // StackExchange.Redis refuses it before sending (it routes a script by the slot of its keys); were it sent,
            // Redis would answer CROSSSLOT (next test). Either way the change is refused whole, never half-applied.
            output.WriteLine($"{refused?.GetType().Name}: {refused?.Message}");
            Assert.True(
                refused is RedisCommandException { Message: var client } && client.Contains("single slot", StringComparison.Ordinal)
                    || refused is RedisServerException { Message: var server } && server.StartsWith("CROSSSLOT", StringComparison.Ordinal),
                $"expected the client's single-slot refusal or Redis's CROSSSLOT, got {refused?.ToString() ?? "no error"}");

            Assert.Empty(await SnapshotAsync());
        }

        [Fact]
        public async Task Redis_itself_refuses_a_script_over_keys_of_two_slots_with_CROSSSLOT_and_writes_nothing()
        {
            // Sent as plain arguments straight to one node, past the client's own slot check: the server's answer.
            string here = K("a"), elsewhere = "t:{elsewhere}:b";
            const string script = "redis.call('SET', KEYS[1], 'one') redis.call('SET', KEYS[2], 'two') return 1";

            foreach (var node in _redis.Primaries)
            {
                var refused = await Assert.ThrowsAsync<RedisServerException>(() => node.ExecuteAsync("EVAL", script, 2, here, elsewhere));
                Assert.StartsWith("CROSSSLOT", refused.Message, StringComparison.Ordinal);
            }

            Assert.Empty(await SnapshotAsync());
        }
    }

    /// <summary>The outbox every change here publishes to.</summary>
    private static readonly RedisOutbox Outbox = new("storage-test");

    /// <summary>
    /// A test key in the outbox stream's slot: <c>t:{tag}:name</c>, the tag the stream key is hashed by
    /// (its own hash tag, or the whole key while it has none). Every key of one change shares it.
    /// </summary>
    private static string K(string name) => $"t:{{{RedisTargets.HashTagOf(Outbox.StreamKey)}}}:{name}";

    private readonly RedisOutbox _outbox = Outbox;

    private IDatabase Db => redis.Connection.GetDatabase();

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<ChangeResult> CommitAsync(AtomicChange change) => change.CommitAsync(Db, _outbox);

    // Checks

    [Fact]
    public async Task Expect_passes_at_the_version_and_refuses_another_naming_the_current_one()
    {
        Assert.True((await CommitAsync(new AtomicChange().Expect(K("a"), 0).Put(K("a"), 1, "one"))).Succeeded);

        var refused = await CommitAsync(new AtomicChange().Expect(K("a"), 0).Put(K("a"), 1, "again"));

        Assert.Equal((ChangeFailure.VersionMoved, "1", K("a"), 1L), (refused.Failure, refused.Detail, refused.Key, refused.Number));
        Assert.True((await CommitAsync(new AtomicChange().Expect(K("a"), 1).Put(K("a"), 2, "two"))).Succeeded);
        Assert.Equal("two", (string?)await Db.HashGetAsync(K("a"), "d"));
    }

    [Fact]
    public async Task ExpectFieldFree_passes_when_absent_or_held_by_the_holder_and_refuses_another_holder()
    {
        Assert.True((await CommitAsync(new AtomicChange().ExpectFieldFree(K("ids"), "k", "c1"))).Succeeded);
        await Db.HashSetAsync(K("ids"), "k", "c1");
        Assert.True((await CommitAsync(new AtomicChange().ExpectFieldFree(K("ids"), "k", "c1"))).Succeeded);

        var refused = await CommitAsync(new AtomicChange().ExpectFieldFree(K("ids"), "k", "c2"));

        Assert.Equal((ChangeFailure.FieldTaken, "c1"), (refused.Failure, refused.Detail));
    }

    [Fact]
    public async Task ExpectUnchanged_passes_when_absent_or_equal_and_refuses_a_changed_value()
    {
        Assert.True((await CommitAsync(new AtomicChange().ExpectUnchanged(K("s"), "x"))).Succeeded);
        await Db.StringSetAsync(K("s"), "x");
        Assert.True((await CommitAsync(new AtomicChange().ExpectUnchanged(K("s"), "x"))).Succeeded);

        Assert.Equal(ChangeFailure.VersionMoved, (await CommitAsync(new AtomicChange().ExpectUnchanged(K("s"), "y"))).Failure);
    }

    [Fact]
    public async Task ExpectFieldUnchanged_passes_when_absent_or_equal_and_refuses_a_changed_field()
    {
        Assert.True((await CommitAsync(new AtomicChange().ExpectFieldUnchanged(K("h"), "f", "x"))).Succeeded);
        await Db.HashSetAsync(K("h"), "f", "x");
        Assert.True((await CommitAsync(new AtomicChange().ExpectFieldUnchanged(K("h"), "f", "x"))).Succeeded);

        Assert.Equal(ChangeFailure.VersionMoved, (await CommitAsync(new AtomicChange().ExpectFieldUnchanged(K("h"), "f", "y"))).Failure);
    }

    [Fact]
    public async Task ExpectBelowCap_counts_members_scored_after_the_score_and_below_infinity_less_the_other_set()
    {
        // Counted: 200 and 300 (after 100, below +inf); not 50 (before), 100 (not after) or +inf (not yet counted).
        await Db.SortedSetAddAsync(K("held"), [new("a", 50), new("b", 100), new("c", 200), new("d", 300), new("e", double.PositiveInfinity)]);
        await Db.SortedSetAddAsync(K("formal"), [new("d", 300)]);

        Assert.True((await CommitAsync(new AtomicChange().ExpectBelowCap(K("held"), 100, 3))).Succeeded);
        var refused = await CommitAsync(new AtomicChange().ExpectBelowCap(K("held"), 100, 2));
        Assert.Equal((ChangeFailure.CapReached, 2L), (refused.Failure, refused.Number));
        Assert.True((await CommitAsync(new AtomicChange().ExpectBelowCap(K("held"), 100, 2, less: K("formal")))).Succeeded);
    }

    [Fact]
    public async Task ExpectBelowQuota_passes_below_the_limit_and_refuses_at_it()
    {
        Assert.True((await CommitAsync(new AtomicChange().ExpectBelowQuota(K("n"), 1))).Succeeded);
        await Db.StringSetAsync(K("n"), 2);
        Assert.True((await CommitAsync(new AtomicChange().ExpectBelowQuota(K("n"), 3))).Succeeded);

        var refused = await CommitAsync(new AtomicChange().ExpectBelowQuota(K("n"), 2));

        Assert.Equal((ChangeFailure.QuotaUsed, 2L), (refused.Failure, refused.Number));
    }

    [Fact]
    public async Task ExpectNotMember_passes_once_and_refuses_what_was_applied()
    {
        Assert.True((await CommitAsync(new AtomicChange().ExpectNotMember(K("done"), "m1").SetAdd(K("done"), "m1"))).Succeeded);

        var refused = await CommitAsync(new AtomicChange().ExpectNotMember(K("done"), "m1").SetAdd(K("done"), "m1"));

        Assert.Equal((ChangeFailure.AlreadyApplied, "m1"), (refused.Failure, refused.Detail));
    }

    // Writes

    [Fact]
    public async Task Put_writes_the_version_and_the_state()
    {
        await CommitAsync(new AtomicChange().Put(K("a"), 7, "state"));

        Assert.Equal(["7", "state"], (await Db.HashGetAsync(K("a"), Aggregates.Fields)).Select(v => (string?)v));
    }

    [Fact]
    public async Task Set_SetField_and_FieldAppend_write_strings_and_fields()
    {
        await CommitAsync(new AtomicChange().Set(K("s"), "x").SetField(K("h"), "f", "v").FieldAppend(K("h"), "g", "a").FieldAppend(K("h"), "g", "b"));

        Assert.Equal("x", (string?)await Db.StringGetAsync(K("s")));
        Assert.Equal(("v", "a b"), ((string?)await Db.HashGetAsync(K("h"), "f"), (string?)await Db.HashGetAsync(K("h"), "g")));
    }

    [Fact]
    public async Task ReplaceHash_replaces_every_field_and_with_none_deletes_the_hash()
    {
        await Db.HashSetAsync(K("h"), [new("old", "1"), new("kept", "1")]);

        await CommitAsync(new AtomicChange().ReplaceHash(K("h"), [new("kept", "2"), new("new", "3")]));
        Assert.Equal([("kept", "2"), ("new", "3")], (await Db.HashGetAllAsync(K("h"))).Select(e => ((string)e.Name!, (string)e.Value!)).Order());

        await CommitAsync(new AtomicChange().ReplaceHash(K("h"), []));
        Assert.False(await Db.KeyExistsAsync(K("h")));
    }

    [Fact]
    public async Task SetAdd_SetAddCapped_and_SetRemove_keep_sets()
    {
        await CommitAsync(new AtomicChange().SetAdd(K("set"), "a").SetAdd(K("set"), "b").SetRemove(K("set"), "a")
            .SetAddCapped(K("cap"), "1", 2).SetAddCapped(K("cap"), "2", 2).SetAddCapped(K("cap"), "3", 2));

        Assert.Equal(["b"], (await Db.SetMembersAsync(K("set"))).Select(v => (string?)v));
        Assert.Equal(["1", "2"], (await Db.SetMembersAsync(K("cap"))).Select(v => (string?)v).Order());
    }

    [Fact]
    public async Task IndexAdd_IndexRemove_and_IndexPrune_keep_sorted_sets()
    {
        await CommitAsync(new AtomicChange().IndexAdd(K("z"), "a").IndexAdd(K("z"), "b", 5).IndexAdd(K("z"), "c", 10)
            .IndexAdd(K("z"), "d", double.PositiveInfinity).IndexAdd(K("z"), "e", 1.5).IndexRemove(K("z"), "a"));
        Assert.Equal([("e", 1.5), ("b", 5), ("c", 10), ("d", double.PositiveInfinity)],
            (await Db.SortedSetRangeByRankWithScoresAsync(K("z"))).Select(e => ((string)e.Element!, e.Score)));

        await CommitAsync(new AtomicChange().IndexPrune(K("z"), 5));
        Assert.Equal(["c", "d"], (await Db.SortedSetRangeByRankAsync(K("z"))).Select(v => (string?)v));
    }

    [Fact]
    public async Task DueAdd_and_DueRemove_keep_each_bucket_at_its_earliest_deadline_in_the_top_level()
    {
        await CommitAsync(new AtomicChange().DueAdd(K("due:{b1}"), K("due"), "b1", "x", 500).DueAdd(K("due:{b1}"), K("due"), "b1", "y", 300)
            .DueAdd(K("due:{b2}"), K("due"), "b2", "z", 900));
        Assert.Equal([("b1", 300.0), ("b2", 900.0)], (await Db.SortedSetRangeByRankWithScoresAsync(K("due"))).Select(e => ((string)e.Element!, e.Score)));

        await CommitAsync(new AtomicChange().DueRemove(K("due:{b1}"), K("due"), "b1", "y"));
        Assert.Equal(500, await Db.SortedSetScoreAsync(K("due"), "b1"));

        await CommitAsync(new AtomicChange().DueRemove(K("due:{b1}"), K("due"), "b1", "x"));
        Assert.Null(await Db.SortedSetScoreAsync(K("due"), "b1"));
        Assert.False(await Db.KeyExistsAsync(K("due:{b1}")));
    }

    [Fact]
    public async Task Increment_counts_and_sets_the_expiry()
    {
        await CommitAsync(new AtomicChange().Increment(K("n"), TimeSpan.FromDays(2)).Increment(K("n"), TimeSpan.FromDays(2)));

        Assert.Equal(2, (long)await Db.StringGetAsync(K("n")));
        Assert.InRange((await Db.KeyTimeToLiveAsync(K("n")))!.Value, TimeSpan.FromDays(2) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(2));
    }

    [Fact]
    public async Task StreamAdd_and_Publish_write_entries_with_the_outbox_fields()
    {
        await CommitAsync(new AtomicChange().StreamAdd(K("log"), "id-1", "kind", "body").Publish(Event));

        var logged = Assert.Single(await Db.StreamRangeAsync(K("log")));
        Assert.Equal(["id", "type", "body", "traceparent"], logged.Values.Select(v => (string)v.Name!));
        Assert.Equal(["id-1", "kind", "body", ""], logged.Values.Select(v => (string?)v.Value));
        var published = Assert.Single(await Db.StreamRangeAsync(_outbox.StreamKey));
        Assert.Equal((typeof(RegionChanged).FullName, "{\"region\":{\"regionId\":\"R-1\",\"name\":\"East\"},\"version\":1,\"occurredAt\":\"2026-03-10T09:00:00+08:00\"}"),
            ((string?)published["type"], (string?)published["body"]));
    }

    // Refusals write nothing

    [Theory]
    [InlineData("ver")]
    [InlineData("free")]
    [InlineData("same")]
    [InlineData("fsame")]
    [InlineData("cap")]
    [InlineData("quota")]
    [InlineData("once")]
    public async Task A_refused_check_writes_nothing_of_any_kind(string check)
    {
        await Db.HashSetAsync(K("a"), [new("v", 3), new("d", "kept"), new("k", "other")]);
        await Db.StringSetAsync(K("s"), "changed");
        await Db.StringSetAsync(K("n"), 5);
        await Db.SortedSetAddAsync(K("held"), "m", 1_000);
        await Db.SetAddAsync(K("done"), "m1");
        var before = await SnapshotAsync();

        // Every write op first, then the one check that refuses (the script runs checks first all the same).
        var change = new AtomicChange()
            .Put(K("a"), 4, "new").Set(K("s2"), "x").ReplaceHash(K("h"), [new("f", "v")]).SetField(K("a"), "f", "v")
            .FieldAppend(K("a"), "g", "m").SetAdd(K("set"), "m").SetAddCapped(K("cap"), "m", 5).SetRemove(K("done"), "m1")
            .IndexAdd(K("z"), "m", 1).IndexRemove(K("held"), "m").IndexPrune(K("held"), 2_000)
            .DueAdd(K("due:{b}"), K("due"), "b", "m", 1).Increment(K("n"), TimeSpan.FromDays(1))
            .StreamAdd(K("log"), "id", "type", "body").Publish(Event);
        var refused = await CommitAsync(check switch
        {
            "ver" => change.Expect(K("a"), 2),
            "free" => change.ExpectFieldFree(K("a"), "k", "mine"),
            "same" => change.ExpectUnchanged(K("s"), "read"),
            "fsame" => change.ExpectFieldUnchanged(K("a"), "d", "read"),
            "cap" => change.ExpectBelowCap(K("held"), 0, 1),
            "quota" => change.ExpectBelowQuota(K("n"), 5),
            _ => change.ExpectNotMember(K("done"), "m1"),
        });

        Assert.False(refused.Succeeded);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_step_with_hundreds_of_values_applies_every_write_in_order()
    {
        // 300 writes of 3–5 values each: the write buffer (128 values at first) grows several times.
        var change = new AtomicChange().Expect(K("c"), 0);
        for (var i = 0; i < 100; i++)
        {
            change.SetAdd(K("set"), $"m{i}")
                .IndexAdd(K("zset"), $"m{i}", i)
                .SetField(K("c"), $"f{i}", $"v{i}");
        }

        var outcome = await CommitAsync(change.Set(K("last"), "written last"));

        Assert.True(outcome.Succeeded);
        Assert.Equal(100, await Db.SetLengthAsync(K("set")));
        Assert.Equal(99, await Db.SortedSetScoreAsync(K("zset"), "m99"));
        Assert.Equal("v57", (string?)await Db.HashGetAsync(K("c"), "f57"));
        Assert.Equal("written last", (string?)await Db.StringGetAsync(K("last")));
    }

    [Fact]
    public async Task A_failed_check_after_many_writes_were_added_writes_nothing()
    {
        await Db.HashSetAsync(K("c"), "v", 4);
        var change = new AtomicChange();
        for (var i = 0; i < 100; i++)
        {
            change.SetAdd(K("set"), $"m{i}");
        }

        // The check comes last in the building but runs first in the script.
        var outcome = await CommitAsync(change.Expect(K("c"), 3));

        Assert.Equal(ChangeFailure.VersionMoved, outcome.Failure);
        Assert.Equal("4", outcome.Detail);
        Assert.False(await Db.KeyExistsAsync(K("set")));
    }

    [Fact]
    public async Task A_step_is_committed_once()
    {
        var change = new AtomicChange().SetAdd(K("set"), "a");
        await CommitAsync(change);

        await Assert.ThrowsAsync<InvalidOperationException>(() => CommitAsync(change));
        Assert.Equal(1, await Db.SetLengthAsync(K("set")));
    }

    /// <summary>Every key with its type and content, the TTL included.</summary>
    private protected async Task<string> SnapshotAsync()
    {
        var lines = new List<string>();
        await foreach (var key in redis.KeysAsync())
        {
            var dump = await Db.KeyDumpAsync(key);
            lines.Add($"{key} {Convert.ToBase64String(dump!)} {await Db.KeyTimeToLiveAsync(key)}");
        }

        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    private static readonly RegionChanged Event = new(new RegionSnapshot("R-1", "East"), 1, new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.FromHours(8)));
}
