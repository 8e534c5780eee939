using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using StackExchange.Redis;

namespace CustomerProtection.Storage;

/// <summary>A stored aggregate and the version its next change must expect (optimistic concurrency).</summary>
public sealed record Versioned<T>(T Value, long Version);

/// <summary>How an aggregate's state is written in its hash's <c>d</c> field.</summary>
public interface IAggregateCodec<T>
{
    RedisValue Encode(T value);

    T Decode(RedisValue data);
}

/// <summary>An aggregate as JSON, by the metadata given (source-generated or from options).</summary>
public sealed class JsonCodec<T>(JsonTypeInfo<T> type) : IAggregateCodec<T>
{
    public RedisValue Encode(T value) => JsonSerializer.Serialize(value, type);

    public T Decode(RedisValue data) => JsonSerializer.Deserialize(((ReadOnlyMemory<byte>)data).Span, type)!;
}

public static class JsonCodec
{
    /// <summary>Web defaults (camelCase names): what Territory, Arbitration and Penalty store.</summary>
    public static JsonCodec<T> Web<T>() => WebCodec<T>.Instance;

    /// <summary>By <paramref name="options"/>' metadata for <typeparamref name="T"/> (made once per codec: keep the codec).</summary>
    public static JsonCodec<T> For<T>(JsonSerializerOptions options)
    {
        // Options without a resolver serialise by reflection; their metadata exists once they are locked so.
        options.MakeReadOnly(populateMissingResolver: true);
        return new((JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
    }

    private static class WebCodec<T>
    {
        public static readonly JsonCodec<T> Instance = For<T>(JsonSerializerOptions.Web);
    }
}

/// <summary>Aggregates are hashes <c>{v: version, d: state}</c>, read by these two fields.</summary>
public static class Aggregates
{
    public static readonly RedisValue[] Fields = ["v", "d"];

    /// <summary>The aggregate from its hash's <see cref="Fields"/> (null: it does not exist).</summary>
    public static Versioned<T>? Read<T>(RedisValue[] values, IAggregateCodec<T> codec) =>
        values[0].IsNull ? null : new Versioned<T>(codec.Decode(values[1]), (long)values[0]);
}
