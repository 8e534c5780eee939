using CustomerProtection.ServiceDefaults.Encryption;
using StackExchange.Redis;

namespace CustomerProtection.Territory.Persistence;

/// <summary>
/// C-4 at start-up (before the service answers), once per active key: the state of every sale,
/// violation, asking price, price approval and service-support agreement still in clear JSON (written
/// before the sales side sealed its deal terms) is sealed (<see cref="SealedRecords"/>), one sealed
/// under another key than the ring's active one is re-wrapped under it (a rotation: making a new key
/// active is a rolling restart, which runs this pass; the data part is copied unchanged), and every
/// ledger index member that carries a price or an amount is rewritten to ids only
/// (<see cref="LedgerEntry"/>). Each value is replaced by a compare-and-set script (written back only if
/// it is still the one read; a member only if it is still there), so a concurrent write, a second
/// replica doing the same or a crash half way loses nothing; readers accept both forms meanwhile. A
/// marker names the layout and the key the last pass finished under, so later starts cost one GET;
/// once it names the active key, the older keys can leave the ring.
/// </summary>
public sealed class LedgerSealMigration(IConnectionMultiplexer redis, SealedRecords seal, ILogger<LedgerSealMigration> logger) : IHostedService
{
    public const string CurrentLayout = "1";
    public static readonly RedisKey Marker = DirectoryKeys.Prefix + "layout:sealed";

    private string Done => $"{CurrentLayout}:{seal.Ring.ActiveId}";

    // KEYS[1]: the aggregate. ARGV: the state read, its sealed (or re-wrapped) form.
    private const string SealState =
        """
        if redis.call('HGET', KEYS[1], 'd') ~= ARGV[1] then return 0 end
        redis.call('HSET', KEYS[1], 'd', ARGV[2])
        return 1
        """;

    // KEYS[1]: a ledger index. ARGV: the member with money, the member without, its score.
    private const string RewriteMember =
        """
        if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
        return 1
        """;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var changed = await MigrateAsync();
        if (changed > 0)
        {
            logger.LogWarning("Territory sealed or re-wrapped {Changed} values under key {Key} (C-4)", changed, seal.Ring.ActiveId);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <returns>How many states and index members were rewritten.</returns>
    public async Task<int> MigrateAsync()
    {
        var db = redis.GetDatabase();
        if (await db.StringGetAsync(Marker) == Done)
        {
            return 0;
        }

        var changed = 0;
        foreach (var server in redis.GetServers().Where(s => !s.IsReplica))
        {
            foreach (var kind in SealedRecords.Kinds)
            {
                var prefix = $"{DirectoryKeys.Prefix}{kind}:{{";
                await foreach (var key in server.KeysAsync(db.Database, prefix + "*}", pageSize: 1000))
                {
                    changed += await SealAsync(db, key, kind, ((string)key!)[prefix.Length..^1]);
                }
            }

            changed += await RewriteIndexesAsync(db, server, $"{DirectoryKeys.Prefix}ledger:customer:", shipments: true);
            changed += await RewriteIndexesAsync(db, server, $"{DirectoryKeys.Prefix}ledger:price:", shipments: false);
            changed += await RewriteIndexesAsync(db, server, $"{DirectoryKeys.Prefix}ledger:credit:", shipments: false);
        }

        await db.StringSetAsync(Marker, Done);
        return changed;
    }

    private async Task<int> SealAsync(IDatabase db, RedisKey key, string kind, string id)
    {
        var state = await db.HashGetAsync(key, "d");
        if (state.IsNull)
        {
            return 0;
        }

        var bytes = (byte[])state!;
        byte[] next;
        if (!SealedRecords.IsSealed(bytes))
        {
            next = seal.SealClear(kind, id, bytes);
        }
        else if (Envelope.KeyIdOf(bytes) != seal.Ring.ActiveId)
        {
            next = seal.Rewrap(kind, id, bytes);
        }
        else
        {
            return 0;
        }

        return (int)await db.ScriptEvaluateAsync(SealState, [key], [state, next]);
    }

    private static async Task<int> RewriteIndexesAsync(IDatabase db, IServer server, string prefix, bool shipments)
    {
        var changed = 0;
        await foreach (var key in server.KeysAsync(db.Database, prefix + "*", pageSize: 1000))
        {
            foreach (var entry in await db.SortedSetRangeByRankWithScoresAsync(key))
            {
                var member = (string)entry.Element!;
                if (LedgerEntry.CarriesMoney(member, shipments))
                {
                    var idsOnly = shipments ? LedgerEntry.SaleId(member) : LedgerEntry.Of(LedgerEntry.SaleId(member), LedgerEntry.SellerId(member));
                    changed += (int)await db.ScriptEvaluateAsync(RewriteMember, [key], [member, idsOnly, entry.Score]);
                }
            }
        }

        return changed;
    }
}
