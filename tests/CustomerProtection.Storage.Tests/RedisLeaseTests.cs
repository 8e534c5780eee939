using CustomerProtection.Storage;
using CustomerProtection.Testing;

namespace CustomerProtection.Storage.Tests;

/// <summary>RedisLease's script (TakeOrRenew) on a real redis-server and on a 3-primary Redis Cluster: one holder at a time, taken over once it lapses.</summary>
public abstract class RedisLeaseTests(IRedisTarget redis)
{
    public sealed class OneNode(RedisServer redis) : RedisLeaseTests(redis), IClassFixture<RedisServer>;

    public sealed class Cluster(RedisCluster redis) : RedisLeaseTests(redis), IClassFixture<RedisCluster>;

    [Fact]
    public async Task One_replica_holds_the_lease_and_renews_it_while_the_others_wait()
    {
        var key = "t:lease:" + Guid.NewGuid().ToString("N");
        var a = new RedisLease(redis.Connection, key, TimeSpan.FromSeconds(30));
        var b = new RedisLease(redis.Connection, key, TimeSpan.FromSeconds(30));

        Assert.True(await a.HoldAsync());
        Assert.False(await b.HoldAsync());
        Assert.True(await a.HoldAsync());
        Assert.False(await b.HoldAsync());
    }

    [Fact]
    public async Task A_lease_not_renewed_in_time_is_taken_over()
    {
        var key = "t:lease:" + Guid.NewGuid().ToString("N");
        var crashed = new RedisLease(redis.Connection, key, TimeSpan.FromMilliseconds(200));
        var next = new RedisLease(redis.Connection, key, TimeSpan.FromSeconds(30));

        Assert.True(await crashed.HoldAsync());
        await Task.Delay(400);

        Assert.True(await next.HoldAsync());
        Assert.False(await crashed.HoldAsync());
    }
}
