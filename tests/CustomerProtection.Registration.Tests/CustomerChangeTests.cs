using CustomerProtection.Registration.Persistence;
using CustomerProtection.Storage;
using CustomerProtection.Testing;

namespace CustomerProtection.Registration.Tests;

/// <summary>
/// The atomic step itself on a real redis-server (architecture.md: one Lua script or nothing): a step
/// larger than its first argument buffers is sent whole, a failed check writes nothing, and a step is
/// committed once.
/// </summary>
public sealed class CustomerChangeTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly Harness _h = new(redis);

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

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

        var outcome = await _h.Store.CommitAsync(change.Set("t:{last}", "written last"));

        Assert.True(outcome.Succeeded);
        Assert.Equal(100, await _h.Db.SetLengthAsync("t:{set}"));
        Assert.Equal(99, await _h.Db.SortedSetScoreAsync("t:{zset}", "m99"));
        Assert.Equal("v57", (string?)await _h.Db.HashGetAsync("t:{c}", "f57"));
        Assert.Equal("written last", (string?)await _h.Db.StringGetAsync("t:{last}"));
    }

    [Fact]
    public async Task A_failed_check_after_many_writes_were_added_writes_nothing()
    {
        await _h.Db.HashSetAsync("t:{c}", "v", 4);
        var change = new AtomicChange();
        for (var i = 0; i < 100; i++)
        {
            change.SetAdd("t:{set}", $"m{i}");
        }

        // The check comes last in the building but runs first in the script.
        var outcome = await _h.Store.CommitAsync(change.Expect("t:{c}", 3));

        Assert.Equal(ChangeFailure.VersionMoved, outcome.Failure);
        Assert.Equal("4", outcome.Detail);
        Assert.False(await _h.Db.KeyExistsAsync("t:{set}"));
    }

    [Fact]
    public async Task A_step_is_committed_once()
    {
        var change = new AtomicChange().SetAdd("t:{set}", "a");
        await _h.Store.CommitAsync(change);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _h.Store.CommitAsync(change));
        Assert.Equal(1, await _h.Db.SetLengthAsync("t:{set}"));
    }
}
