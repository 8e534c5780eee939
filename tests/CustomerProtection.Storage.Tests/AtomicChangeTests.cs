using CustomerProtection.Contracts.Organization;
using CustomerProtection.Testing;
using StackExchange.Redis;

namespace CustomerProtection.Storage.Tests;

/// <summary>
/// The atomic change's one script on a real redis-server: each check
/// passes and refuses as documented, each write writes what it says, every check runs before the first
/// write so a refused change writes nothing, a step larger than its first argument buffers is sent
/// whole, and a change is committed once.
/// </summary>
public sealed class AtomicChangeTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly RedisOutbox _outbox = new("storage-test");

    private IDatabase Db => redis.Connection.GetDatabase();

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<ChangeResult> CommitAsync(AtomicChange change) => change.CommitAsync(Db, _outbox);

    // Checks

    [Fact]
    public async Task Expect_passes_at_the_version_and_refuses_another_naming_the_current_one()
    {
        Assert.True((await CommitAsync(new AtomicChange().Expect("t:{a}", 0).Put("t:{a}", 1, "one"))).Succeeded);

        var refused = await CommitAsync(new AtomicChange().Expect("t:{a}", 0).Put("t:{a}", 1, "again"));

        Assert.Equal((ChangeFailure.VersionMoved, "1", "t:{a}", 1L), (refused.Failure, refused.Detail, refused.Key, refused.Number));
        Assert.True((await CommitAsync(new AtomicChange().Expect("t:{a}", 1).Put("t:{a}", 2, "two"))).Succeeded);
        Assert.Equal("two", (string?)await Db.HashGetAsync("t:{a}", "d"));
    }

    [Fact]
    public async Task ExpectFieldFree_passes_when_absent_or_held_by_the_holder_and_refuses_another_holder()
    {
        Assert.True((await CommitAsync(new AtomicChange().ExpectFieldFree("t:{ids}", "k", "c1"))).Succeeded);
        await Db.HashSetAsync("t:{ids}", "k", "c1");
        Assert.True((await CommitAsync(new AtomicChange().ExpectFieldFree("t:{ids}", "k", "c1"))).Succeeded);

        var refused = await CommitAsync(new AtomicChange().ExpectFieldFree("t:{ids}", "k", "c2"));

        Assert.Equal((ChangeFailure.FieldTaken, "c1"), (refused.Failure, refused.Detail));
    }

    [Fact]
    public async Task ExpectUnchanged_passes_when_absent_or_equal_and_refuses_a_changed_value()
    {
        Assert.True((await CommitAsync(new AtomicChange().ExpectUnchanged("t:{s}", "x"))).Succeeded);
        await Db.StringSetAsync("t:{s}", "x");
        Assert.True((await CommitAsync(new AtomicChange().ExpectUnchanged("t:{s}", "x"))).Succeeded);

        Assert.Equal(ChangeFailure.VersionMoved, (await CommitAsync(new AtomicChange().ExpectUnchanged("t:{s}", "y"))).Failure);
    }

    [Fact]
    public async Task ExpectFieldUnchanged_passes_when_absent_or_equal_and_refuses_a_changed_field()
    {
        Assert.True((await CommitAsync(new AtomicChange().ExpectFieldUnchanged("t:{h}", "f", "x"))).Succeeded);
        await Db.HashSetAsync("t:{h}", "f", "x");
        Assert.True((await CommitAsync(new AtomicChange().ExpectFieldUnchanged("t:{h}", "f", "x"))).Succeeded);

        Assert.Equal(ChangeFailure.VersionMoved, (await CommitAsync(new AtomicChange().ExpectFieldUnchanged("t:{h}", "f", "y"))).Failure);
    }

    [Fact]
    public async Task ExpectBelowCap_counts_members_scored_after_the_score_and_below_infinity_less_the_other_set()
    {
        // Counted: 200 and 300 (after 100, below +inf); not 50 (before), 100 (not after) or +inf (not yet counted).
        await Db.SortedSetAddAsync("t:{held}", [new("a", 50), new("b", 100), new("c", 200), new("d", 300), new("e", double.PositiveInfinity)]);
        await Db.SortedSetAddAsync("t:{formal}", [new("d", 300)]);

        Assert.True((await CommitAsync(new AtomicChange().ExpectBelowCap("t:{held}", 100, 3))).Succeeded);
        var refused = await CommitAsync(new AtomicChange().ExpectBelowCap("t:{held}", 100, 2));
        Assert.Equal((ChangeFailure.CapReached, 2L), (refused.Failure, refused.Number));
        Assert.True((await CommitAsync(new AtomicChange().ExpectBelowCap("t:{held}", 100, 2, less: "t:{formal}"))).Succeeded);
    }

    [Fact]
    public async Task ExpectBelowQuota_passes_below_the_limit_and_refuses_at_it()
    {
        Assert.True((await CommitAsync(new AtomicChange().ExpectBelowQuota("t:{n}", 1))).Succeeded);
        await Db.StringSetAsync("t:{n}", 2);
        Assert.True((await CommitAsync(new AtomicChange().ExpectBelowQuota("t:{n}", 3))).Succeeded);

        var refused = await CommitAsync(new AtomicChange().ExpectBelowQuota("t:{n}", 2));

        Assert.Equal((ChangeFailure.QuotaUsed, 2L), (refused.Failure, refused.Number));
    }

    [Fact]
    public async Task ExpectNotMember_passes_once_and_refuses_what_was_applied()
    {
        Assert.True((await CommitAsync(new AtomicChange().ExpectNotMember("t:{done}", "m1").SetAdd("t:{done}", "m1"))).Succeeded);

        var refused = await CommitAsync(new AtomicChange().ExpectNotMember("t:{done}", "m1").SetAdd("t:{done}", "m1"));

        Assert.Equal((ChangeFailure.AlreadyApplied, "m1"), (refused.Failure, refused.Detail));
    }

    // Writes

    [Fact]
    public async Task Put_writes_the_version_and_the_state()
    {
        await CommitAsync(new AtomicChange().Put("t:{a}", 7, "state"));

        Assert.Equal(["7", "state"], (await Db.HashGetAsync("t:{a}", Aggregates.Fields)).Select(v => (string?)v));
    }

    [Fact]
    public async Task Set_SetField_and_FieldAppend_write_strings_and_fields()
    {
        await CommitAsync(new AtomicChange().Set("t:{s}", "x").SetField("t:{h}", "f", "v").FieldAppend("t:{h}", "g", "a").FieldAppend("t:{h}", "g", "b"));

        Assert.Equal("x", (string?)await Db.StringGetAsync("t:{s}"));
        Assert.Equal(("v", "a b"), ((string?)await Db.HashGetAsync("t:{h}", "f"), (string?)await Db.HashGetAsync("t:{h}", "g")));
    }

    [Fact]
    public async Task ReplaceHash_replaces_every_field_and_with_none_deletes_the_hash()
    {
        await Db.HashSetAsync("t:{h}", [new("old", "1"), new("kept", "1")]);

        await CommitAsync(new AtomicChange().ReplaceHash("t:{h}", [new("kept", "2"), new("new", "3")]));
        Assert.Equal([("kept", "2"), ("new", "3")], (await Db.HashGetAllAsync("t:{h}")).Select(e => ((string)e.Name!, (string)e.Value!)).Order());

        await CommitAsync(new AtomicChange().ReplaceHash("t:{h}", []));
        Assert.False(await Db.KeyExistsAsync("t:{h}"));
    }

    [Fact]
    public async Task SetAdd_SetAddCapped_and_SetRemove_keep_sets()
    {
        await CommitAsync(new AtomicChange().SetAdd("t:{set}", "a").SetAdd("t:{set}", "b").SetRemove("t:{set}", "a")
            .SetAddCapped("t:{cap}", "1", 2).SetAddCapped("t:{cap}", "2", 2).SetAddCapped("t:{cap}", "3", 2));

        Assert.Equal(["b"], (await Db.SetMembersAsync("t:{set}")).Select(v => (string?)v));
        Assert.Equal(["1", "2"], (await Db.SetMembersAsync("t:{cap}")).Select(v => (string?)v).Order());
    }

    [Fact]
    public async Task IndexAdd_IndexRemove_and_IndexPrune_keep_sorted_sets()
    {
        await CommitAsync(new AtomicChange().IndexAdd("t:{z}", "a").IndexAdd("t:{z}", "b", 5).IndexAdd("t:{z}", "c", 10)
            .IndexAdd("t:{z}", "d", double.PositiveInfinity).IndexAdd("t:{z}", "e", 1.5).IndexRemove("t:{z}", "a"));
        Assert.Equal([("e", 1.5), ("b", 5), ("c", 10), ("d", double.PositiveInfinity)],
            (await Db.SortedSetRangeByRankWithScoresAsync("t:{z}")).Select(e => ((string)e.Element!, e.Score)));

        await CommitAsync(new AtomicChange().IndexPrune("t:{z}", 5));
        Assert.Equal(["c", "d"], (await Db.SortedSetRangeByRankAsync("t:{z}")).Select(v => (string?)v));
    }

    [Fact]
    public async Task DueAdd_and_DueRemove_keep_each_bucket_at_its_earliest_deadline_in_the_top_level()
    {
        await CommitAsync(new AtomicChange().DueAdd("t:due:{b1}", "t:due", "b1", "x", 500).DueAdd("t:due:{b1}", "t:due", "b1", "y", 300)
            .DueAdd("t:due:{b2}", "t:due", "b2", "z", 900));
        Assert.Equal([("b1", 300.0), ("b2", 900.0)], (await Db.SortedSetRangeByRankWithScoresAsync("t:due")).Select(e => ((string)e.Element!, e.Score)));

        await CommitAsync(new AtomicChange().DueRemove("t:due:{b1}", "t:due", "b1", "y"));
        Assert.Equal(500, await Db.SortedSetScoreAsync("t:due", "b1"));

        await CommitAsync(new AtomicChange().DueRemove("t:due:{b1}", "t:due", "b1", "x"));
        Assert.Null(await Db.SortedSetScoreAsync("t:due", "b1"));
        Assert.False(await Db.KeyExistsAsync("t:due:{b1}"));
    }

    [Fact]
    public async Task Increment_counts_and_sets_the_expiry()
    {
        await CommitAsync(new AtomicChange().Increment("t:{n}", TimeSpan.FromDays(2)).Increment("t:{n}", TimeSpan.FromDays(2)));

        Assert.Equal(2, (long)await Db.StringGetAsync("t:{n}"));
        Assert.InRange((await Db.KeyTimeToLiveAsync("t:{n}"))!.Value, TimeSpan.FromDays(2) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(2));
    }

    [Fact]
    public async Task StreamAdd_and_Publish_write_entries_with_the_outbox_fields()
    {
        await CommitAsync(new AtomicChange().StreamAdd("t:{log}", "id-1", "kind", "body").Publish(Event));

        var logged = Assert.Single(await Db.StreamRangeAsync("t:{log}"));
        Assert.Equal(["id", "type", "body", "traceparent"], logged.Values.Select(v => (string)v.Name!));
        Assert.Equal(["id-1", "kind", "body", ""], logged.Values.Select(v => (string?)v.Value));
        var published = Assert.Single(await Db.StreamRangeAsync(_outbox.StreamKey));
        Assert.Equal((typeof(RegionChanged).FullName, "{\"region\":{\"regionId\":\"R-1\",\"name\":\"East\"},\"version\":1,\"occurredAt\":\"2026-03-10T09:00:00+08:00\"}"),
            ((string?)published["type"], (string?)published["body"]));
    }

    // Refusals write nothing

    public static TheoryData<string> Refusals => ["ver", "free", "same", "fsame", "cap", "quota", "once"];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_refused_check_writes_nothing_of_any_kind(string check)
    {
        await Db.HashSetAsync("t:{a}", [new("v", 3), new("d", "kept"), new("k", "other")]);
        await Db.StringSetAsync("t:{s}", "changed");
        await Db.StringSetAsync("t:{n}", 5);
        await Db.SortedSetAddAsync("t:{held}", "m", 1_000);
        await Db.SetAddAsync("t:{done}", "m1");
        var before = await SnapshotAsync();

        // Every write op first, then the one check that refuses (the script runs checks first all the same).
        var change = new AtomicChange()
            .Put("t:{a}", 4, "new").Set("t:{s2}", "x").ReplaceHash("t:{h}", [new("f", "v")]).SetField("t:{a}", "f", "v")
            .FieldAppend("t:{a}", "g", "m").SetAdd("t:{set}", "m").SetAddCapped("t:{cap}", "m", 5).SetRemove("t:{done}", "m1")
            .IndexAdd("t:{z}", "m", 1).IndexRemove("t:{held}", "m").IndexPrune("t:{held}", 2_000)
            .DueAdd("t:due:{b}", "t:due", "b", "m", 1).Increment("t:{n}", TimeSpan.FromDays(1))
            .StreamAdd("t:{log}", "id", "type", "body").Publish(Event);
        var refused = await CommitAsync(check switch
        {
            "ver" => change.Expect("t:{a}", 2),
            "free" => change.ExpectFieldFree("t:{a}", "k", "mine"),
            "same" => change.ExpectUnchanged("t:{s}", "read"),
            "fsame" => change.ExpectFieldUnchanged("t:{a}", "d", "read"),
            "cap" => change.ExpectBelowCap("t:{held}", 0, 1),
            "quota" => change.ExpectBelowQuota("t:{n}", 5),
            _ => change.ExpectNotMember("t:{done}", "m1"),
        });

        Assert.False(refused.Succeeded);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_step_with_hundreds_of_values_applies_every_write_in_order()
    {
        // 300 writes of 3–5 values each: the write buffer (128 values at first) grows several times.
        var change = new AtomicChange().Expect("t:{c}", 0);
        for (var i = 0; i < 100; i++)
        {
            change.SetAdd("t:{set}", $"m{i}")
                .IndexAdd("t:{zset}", $"m{i}", i)
                .SetField("t:{c}", $"f{i}", $"v{i}");
        }

        var outcome = await CommitAsync(change.Set("t:{last}", "written last"));

        Assert.True(outcome.Succeeded);
        Assert.Equal(100, await Db.SetLengthAsync("t:{set}"));
        Assert.Equal(99, await Db.SortedSetScoreAsync("t:{zset}", "m99"));
        Assert.Equal("v57", (string?)await Db.HashGetAsync("t:{c}", "f57"));
        Assert.Equal("written last", (string?)await Db.StringGetAsync("t:{last}"));
    }

    [Fact]
    public async Task A_failed_check_after_many_writes_were_added_writes_nothing()
    {
        await Db.HashSetAsync("t:{c}", "v", 4);
        var change = new AtomicChange();
        for (var i = 0; i < 100; i++)
        {
            change.SetAdd("t:{set}", $"m{i}");
        }

        // The check comes last in the building but runs first in the script.
        var outcome = await CommitAsync(change.Expect("t:{c}", 3));

        Assert.Equal(ChangeFailure.VersionMoved, outcome.Failure);
        Assert.Equal("4", outcome.Detail);
        Assert.False(await Db.KeyExistsAsync("t:{set}"));
    }

    [Fact]
    public async Task A_step_is_committed_once()
    {
        var change = new AtomicChange().SetAdd("t:{set}", "a");
        await CommitAsync(change);

        await Assert.ThrowsAsync<InvalidOperationException>(() => CommitAsync(change));
        Assert.Equal(1, await Db.SetLengthAsync("t:{set}"));
    }

    /// <summary>Every key with its type and content, the TTL included.</summary>
    private async Task<string> SnapshotAsync()
    {
        var server = redis.Connection.GetServer(redis.ConnectionString);
        var lines = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: "*"))
        {
            var dump = await Db.KeyDumpAsync(key);
            lines.Add($"{key} {Convert.ToBase64String(dump!)} {await Db.KeyTimeToLiveAsync(key)}");
        }

        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    private static readonly RegionChanged Event = new(new RegionSnapshot("R-1", "East"), 1, new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.FromHours(8)));
}
