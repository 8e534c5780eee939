using StackExchange.Redis;

namespace CustomerProtection.Testing;

/// <summary>What a dump or a rogue reader of Redis sees: for the C-4 "nothing in clear" tests.</summary>
public static class RedisContent
{
    /// <summary>
    /// Every key's name and every value of every type (string, hash, list, set, sorted set, stream) of the
    /// keys matching <paramref name="pattern"/> on every primary, as raw bytes, each followed by a newline.
    /// </summary>
    public static async Task<byte[]> EveryKeyAndValueAsync(IConnectionMultiplexer redis, string pattern = "*", params RedisKey[] except)
    {
        var db = redis.GetDatabase();
        using var all = new MemoryStream();
        void Add(RedisValue value)
        {
            all.Write((byte[]?)value ?? []);
            all.WriteByte((byte)'\n');
        }

        foreach (var server in redis.GetServers().Where(s => !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: pattern))
            {
                if (except.Contains(key))
                {
                    continue;
                }

                Add(key.ToString());
                RedisValue[] values = await db.KeyTypeAsync(key) switch
                {
                    RedisType.String => [await db.StringGetAsync(key)],
                    RedisType.Hash => [.. (await db.HashGetAllAsync(key)).SelectMany(e => new[] { e.Name, e.Value })],
                    RedisType.List => await db.ListRangeAsync(key),
                    RedisType.Set => await db.SetMembersAsync(key),
                    RedisType.SortedSet => await db.SortedSetRangeByRankAsync(key),
                    RedisType.Stream => [.. (await db.StreamRangeAsync(key)).SelectMany(e => e.Values.SelectMany(v => new[] { v.Name, v.Value }))],
                    _ => [],
                };
                Array.ForEach(values, Add);
            }
        }

        return all.ToArray();
    }
}
