using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerProtection.Testing;

namespace CustomerProtection.Storage.Tests;

/// <summary>The codec seam: an aggregate's <c>d</c> as JSON by the options or metadata given, read back with its version (on one redis-server and on a 3-primary cluster).</summary>
public abstract class AggregateCodecTests(IRedisTarget redis)
{
    public sealed class OneNode(RedisServer redis) : AggregateCodecTests(redis), IClassFixture<RedisServer>;

    public sealed class Cluster(RedisCluster redis) : AggregateCodecTests(redis), IClassFixture<RedisCluster>;

    private static readonly RedisOutbox Outbox = new("storage-test");

    /// <summary>The aggregate's key in the outbox stream's slot (one change writes both).</summary>
    private static readonly string Key = $"t:{{{RedisTargets.HashTagOf(Outbox.StreamKey)}}}:codec";

    private sealed record Sample(string Id, string? Note, int Count);

    [Fact]
    public async Task An_aggregate_put_by_an_atomic_change_is_read_back_with_its_version_and_web_names()
    {
        var db = redis.Connection.GetDatabase();
        await new AtomicChange().Put(Key, 3, JsonCodec.Web<Sample>().Encode(new Sample("s-1", null, 2))).CommitAsync(db, Outbox);

        Assert.Equal("{\"id\":\"s-1\",\"note\":null,\"count\":2}", (string?)await db.HashGetAsync(Key, "d"));
        Assert.Equal(new Versioned<Sample>(new Sample("s-1", null, 2), 3), Aggregates.Read(await db.HashGetAsync(Key, Aggregates.Fields), JsonCodec.Web<Sample>()));
        Assert.Null(Aggregates.Read(await db.HashGetAsync("t:{codec}:absent", Aggregates.Fields), JsonCodec.Web<Sample>()));
    }

    [Fact]
    public void A_codec_follows_the_options_it_was_made_from()
    {
        var codec = JsonCodec.For<Sample>(new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull });

        Assert.Equal("{\"id\":\"s-1\",\"count\":2}", (string?)codec.Encode(new Sample("s-1", null, 2)));
        Assert.Equal(new Sample("s-1", null, 2), codec.Decode("{\"id\":\"s-1\",\"count\":2}"));
    }
}
