using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Storage;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality;

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

    private static readonly RedisValue[] Fields = ["v", "d"];

    public async Task<Versioned<T>?> GetAsync<T>(RedisKey key)
    {
        var values = await redis.GetDatabase().HashGetAsync(key, Fields);
        return values[0].IsNull ? null : new Versioned<T>(JsonSerializer.Deserialize<T>((string)values[1]!, Json)!, (long)values[0]);
    }

    public async Task<IReadOnlyList<Versioned<T>>> GetManyAsync<T>(IEnumerable<RedisKey> keys)
    {
        var batch = redis.GetDatabase().CreateBatch();
        var reads = keys.Select(k => batch.HashGetAsync(k, Fields)).ToList();
        batch.Execute();
        return (await Task.WhenAll(reads))
            .Where(v => !v[0].IsNull)
            .Select(v => new Versioned<T>(JsonSerializer.Deserialize<T>((string)v[1]!, Json)!, (long)v[0]))
            .ToList();
    }

    public static string Encode<T>(T value) => JsonSerializer.Serialize(value, Json);
}
