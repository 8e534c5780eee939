using CustomerProtection.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CustomerProtection.Storage.Tests;

/// <summary>
/// KeySpaceMigration on a real redis-server and on a 3-primary Redis Cluster (where a key moves across slots by DUMP
/// and RESTORE): the keys a service wrote before its hash tag move under
/// <c>cp:{&lt;service&gt;}:</c> with their values and expiries, a key already there is never overwritten,
/// other services' keys stay, and the marker makes a second start do nothing.
/// </summary>
public abstract class KeySpaceMigrationTests(IRedisTarget redis)
{
    public sealed class OneNode(RedisServer redis) : KeySpaceMigrationTests(redis), IClassFixture<RedisServer>;

    public sealed class Cluster(RedisCluster redis) : KeySpaceMigrationTests(redis), IClassFixture<RedisCluster>;

    private IDatabase Db => redis.Connection.GetDatabase();

    private KeySpaceMigration Migration(string service) => new(redis.Connection, service, NullLogger<KeySpaceMigration>.Instance);

    [Fact]
    public async Task Keys_of_the_earlier_layout_move_under_the_service_tag_once_with_their_values_and_expiries()
    {
        var service = "svc" + Guid.NewGuid().ToString("N")[..8];
        var old = KeySpace.LegacyOf(service);
        await Db.HashSetAsync(old + "customer:{7}", [new("v", 3), new("d", "seven")]);
        await Db.SortedSetAddAsync(old + "branch:{B-1}:pool", "7", 42);
        await Db.StringSetAsync(old + "claims:{S1}:20260101", 2, TimeSpan.FromHours(1));
        await Db.StringSetAsync("cp:other:customer:{7}", "not mine");

        Assert.Equal(3, await Migration(service).MoveAsync());

        var now = KeySpace.Of(service);
        Assert.Equal("seven", (string?)await Db.HashGetAsync(now + "customer:{7}", "d"));
        Assert.Equal(42, await Db.SortedSetScoreAsync(now + "branch:{B-1}:pool", "7"));
        Assert.Equal(2, (int)await Db.StringGetAsync(now + "claims:{S1}:20260101"));
        Assert.InRange((await Db.KeyTimeToLiveAsync(now + "claims:{S1}:20260101"))!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.All(await Task.WhenAll(new[] { "customer:{7}", "branch:{B-1}:pool", "claims:{S1}:20260101" }.Select(k => Db.KeyExistsAsync(old + k))), Assert.False);
        Assert.Equal("not mine", (string?)await Db.StringGetAsync("cp:other:customer:{7}"));

        // Later starts: one GET, nothing scanned (a key written the old way now would stay where it is).
        await Db.StringSetAsync(old + "late", "x");
        Assert.Equal(0, await Migration(service).MoveAsync());
        Assert.True(await Db.KeyExistsAsync(old + "late"));
    }

    [Fact]
    public async Task A_key_already_under_the_tag_is_kept_and_the_stale_one_dropped()
    {
        var service = "svc" + Guid.NewGuid().ToString("N")[..8];
        await Db.StringSetAsync(KeySpace.LegacyOf(service) + "counter", "old");
        await Db.StringSetAsync(KeySpace.Of(service) + "counter", "new");

        Assert.Equal(0, await Migration(service).MoveAsync());

        Assert.Equal("new", (string?)await Db.StringGetAsync(KeySpace.Of(service) + "counter"));
        Assert.False(await Db.KeyExistsAsync(KeySpace.LegacyOf(service) + "counter"));
    }

    [Fact]
    public async Task Every_key_of_a_service_is_in_one_hash_slot()
    {
        Assert.Equal(0x31C3, Slot("123456789")); // the specification's check value of CRC16 (XMODEM)
        var prefix = KeySpace.Of("registration");
        var slot = Slot(prefix + "customer:{1}");

        Assert.All(new[] { "customer:{999}", "identities:{17}", "owner:{S1}:customers", "due:{3}", "outbox", "branch:{a}b}:pool" },
            rest => Assert.Equal(slot, Slot(prefix + rest)));
        Assert.NotEqual(slot, Slot(KeySpace.Of("penalty") + "outbox"));
    }

    /// <summary>The Redis Cluster specification's key slot: CRC16 (XMODEM) of the hash tag (<see cref="RedisTargets.HashTagOf"/>) mod 16,384.</summary>
    private static int Slot(string key)
    {
        var crc = 0;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(RedisTargets.HashTagOf(key)))
        {
            crc ^= b << 8;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
        }

        return (crc & 0xFFFF) % 16384;
    }
}
