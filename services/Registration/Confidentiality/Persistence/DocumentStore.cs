using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerProtection.Registration.Domain;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Persistence;

/// <summary>
/// Access grants and incidents as the project stores aggregates: hashes {v: version, d: JSON}, written
/// through <see cref="AtomicChange"/> with a version guard (0: must not exist).
/// </summary>
public sealed class DocumentStore(IConnectionMultiplexer redis)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<Versioned<T>?> GetAsync<T>(RedisKey key) =>
        Aggregates.Read(await redis.GetDatabase().HashGetAsync(key, Aggregates.Fields), Codec<T>.Instance);

    public async Task<IReadOnlyList<Versioned<T>>> GetManyAsync<T>(IEnumerable<RedisKey> keys)
    {
        var batch = redis.GetDatabase().CreateBatch();
        var reads = keys.Select(k => batch.HashGetAsync(k, Aggregates.Fields)).ToList();
        batch.Execute();
        return (await Task.WhenAll(reads))
            .Select(v => Aggregates.Read(v, Codec<T>.Instance))
            .OfType<Versioned<T>>()
            .ToList();
    }

    public static RedisValue Encode<T>(T value) => Codec<T>.Instance.Encode(value);

    private static class Codec<T>
    {
        public static readonly JsonCodec<T> Instance = JsonCodec.For<T>(Json);
    }
}
