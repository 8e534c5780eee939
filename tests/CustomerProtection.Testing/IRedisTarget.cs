using StackExchange.Redis;
using Xunit;

namespace CustomerProtection.Testing;

/// <summary>
/// The Redis a test runs against: one <see cref="RedisServer"/> or a <see cref="RedisCluster"/> of three
/// primaries. A test written against this runs on both (a fixture per derived class); on the cluster,
/// keys combined in one script or multi-key command must share one hash tag, as the services' keys do.
/// </summary>
public interface IRedisTarget : IAsyncLifetime
{
    IConnectionMultiplexer Connection { get; }

    /// <summary>Every endpoint, comma separated (StackExchange.Redis configuration).</summary>
    string ConnectionString { get; }

    /// <summary>Every primary: where keys live (one for a single server, three for the cluster).</summary>
    IReadOnlyList<IServer> Primaries { get; }

    /// <summary>Deletes every key on every primary.</summary>
    Task FlushAsync();
}

public static class RedisTargets
{
    /// <summary>The keys matching <paramref name="pattern"/> on every primary (SCAN per node).</summary>
    public static async IAsyncEnumerable<RedisKey> KeysAsync(this IRedisTarget redis, RedisValue pattern = default)
    {
        foreach (var server in redis.Primaries)
        {
            await foreach (var key in server.KeysAsync(pattern: pattern.IsNull ? "*" : pattern))
            {
                yield return key;
            }
        }
    }

    /// <summary>
    /// The hash tag Redis Cluster hashes <paramref name="key"/> by: the text between its first '{' and
    /// the first '}' after it when not empty, otherwise the whole key. A key built as <c>x:{tag}:y</c>
    /// lands in the same slot as <paramref name="key"/>.
    /// </summary>
    public static string HashTagOf(RedisKey key)
    {
        var name = (string)key!;
        var open = name.IndexOf('{', StringComparison.Ordinal);
        if (open >= 0)
        {
            var close = name.IndexOf('}', open + 1);
            if (close > open + 1)
            {
                return name[(open + 1)..close];
            }
        }

        return name.Contains('}', StringComparison.Ordinal)
            ? throw new ArgumentException($"{name} has no hash tag and a '}}': no tag can stand for it", nameof(key))
            : name;
    }
}
