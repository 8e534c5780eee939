using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CustomerProtection.Storage;

/// <summary>
/// The key layout every service follows (docs/scaling.md): all of a service's keys begin with
/// <c>cp:{&lt;service&gt;}:</c>. The first braces of a key are its Redis Cluster hash tag, so a service's
/// keys — its aggregates, their indexes, its due-queues and its outbox — are in one hash slot, and every
/// <see cref="AtomicChange"/> (one Lua script, its keys passed in KEYS) may combine any of them: the
/// one-owner gate reads and guards an identity, the other records of the same customer, the owner's
/// cap and the organisation copy in one step, which a cluster allows only within one slot. The four
/// services' slots sit on whichever masters own them; braces later in a key only delimit an id.
/// </summary>
public static class KeySpace
{
    /// <summary>The prefix of every key of <paramref name="service"/> (its resource name).</summary>
    public static string Of(string service) => $"cp:{{{service}}}:";

    /// <summary>The prefix before the layout had a service-wide hash tag (moved by <see cref="KeySpaceMigration"/>).</summary>
    public static string LegacyOf(string service) => $"cp:{service}:";

    /// <summary>Says that the service's keys are all under <see cref="Of"/>: later starts skip the scan.</summary>
    public static RedisKey Marker(string service) => Of(service) + "keyspace";
}

/// <summary>
/// Moves a service's keys written before the service-wide hash tag (<c>cp:&lt;service&gt;:…</c>) to
/// <c>cp:{&lt;service&gt;}:…</c>, once, at start-up, before anything else reads or writes them (it is the
/// first hosted service). Each key moves whole and never overwrites one under the tag (which this version
/// wrote: it stays, the old one goes): RENAMENX on a single node, DUMP and RESTORE (refused when the new key
/// exists) then DEL on a cluster, where a rename cannot cross slots.
/// A second replica doing the same, or a crash half way, is harmless; the marker makes later starts one GET.
/// </summary>
public sealed class KeySpaceMigration(IConnectionMultiplexer redis, string service, ILogger<KeySpaceMigration> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var moved = await MoveAsync();
        if (moved > 0)
        {
            logger.LogWarning("Moved {Moved} keys of {Service} under its hash tag ({Prefix})", moved, service, KeySpace.Of(service));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <returns>How many keys this call moved.</returns>
    public async Task<int> MoveAsync()
    {
        var db = redis.GetDatabase();
        var marker = KeySpace.Marker(service);
        if (await db.KeyExistsAsync(marker))
        {
            return 0;
        }

        var legacy = KeySpace.LegacyOf(service);
        var prefix = KeySpace.Of(service);
        var moved = 0;
        foreach (var server in redis.GetServers().Where(s => !s.IsReplica))
        {
            var cluster = server.ServerType == ServerType.Cluster;
            await foreach (var key in server.KeysAsync(db.Database, legacy + "*", pageSize: 1000))
            {
                var name = (string)key!;
                RedisKey target = prefix + name[legacy.Length..];
                if (cluster ? await MoveAcrossSlotsAsync(db, key, target) : await RenameAsync(db, key, target))
                {
                    moved++;
                }
            }
        }

        await db.StringSetAsync(marker, "1");
        return moved;
    }

    private static async Task<bool> RenameAsync(IDatabase db, RedisKey from, RedisKey to)
    {
        if (await db.KeyRenameAsync(from, to, When.NotExists))
        {
            return true;
        }

        // The new key exists (written by this version): it stays, and the stale old one goes.
        await db.KeyDeleteAsync(from);
        return false;
    }

    private static async Task<bool> MoveAcrossSlotsAsync(IDatabase db, RedisKey from, RedisKey to)
    {
        var dump = await db.KeyDumpAsync(from);
        if (dump is null)
        {
            return false; // moved meanwhile by another replica
        }

        var ttl = await db.KeyTimeToLiveAsync(from);
        var restored = true;
        try
        {
            await db.KeyRestoreAsync(to, dump, ttl);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYKEY", StringComparison.Ordinal))
        {
            // Already there (another replica moved it, and it may have been written since): the new key stays.
            restored = false;
        }

        await db.KeyDeleteAsync(from);
        return restored;
    }
}
