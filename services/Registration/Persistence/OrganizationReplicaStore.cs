using System.Diagnostics;
using System.Text.Json;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Persistence;

/// <summary>
/// Registration's copy of the organisation (architecture.md: no service reads another's keys).
/// Each entry is a hash {v: Territory's version, d: JSON, trace: the trace id of the change}.
/// A copy is replaced only by a newer version, in one script, so redelivered or reordered
/// events change nothing (idempotent consumers).
/// </summary>
public sealed class OrganizationReplicaStore(IConnectionMultiplexer redis)
{
    public static readonly JsonSerializerOptions Json = ReplicaJsonContext.Default.Options;

    // KEYS[1] the copy, KEYS[2..] lookup hashes; ARGV: version, data, trace, then (field, value) per
    // lookup, an empty value deleting the field.
    private const string ApplyIfNewerScript =
        """
        local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
        if tonumber(ARGV[1]) <= current then return 0 end
        redis.call('HSET', KEYS[1], 'v', ARGV[1], 'd', ARGV[2], 'trace', ARGV[3])
        for i = 2, #KEYS do
          local field = ARGV[2 + (i - 1) * 2]
          local value = ARGV[3 + (i - 1) * 2]
          if value == '' then
            redis.call('HDEL', KEYS[i], field)
          else
            redis.call('HSET', KEYS[i], field, value)
          end
        end
        return 1
        """;

    public const string Employee = "employee";
    public const string Branch = "branch";
    public const string Region = "region";
    public const string Dealer = "dealer";

    public static RedisKey Key(string kind, string id) => $"{RegistrationKeys.Prefix}org:{kind}:{{{id}}}";

    /// <summary>Identity key of every active dealer → dealer id (P-6: a dealer may not be filed as a customer).</summary>
    public static readonly RedisKey DealerIdentities = RegistrationKeys.Prefix + "org:dealer-identities";

    /// <summary>
    /// Hash per branch, field employee id → status: the branch's salespeople who have not left (X-1
    /// holdings of a whole branch). Kept with each employee's copy, in the same step; a candidate list
    /// that is checked against the copies when read (two changes of one employee applied side by side
    /// may leave a field behind in a former branch).
    /// </summary>
    public static RedisKey BranchSalespeople(string branchId) => $"{RegistrationKeys.Prefix}org:salespeople:{{{branchId}}}";

    /// <summary>Hash, field branch id → its region: every branch the copy knows (M-4's scheduled rounds cover them all).</summary>
    public static readonly RedisKey Branches = RegistrationKeys.Prefix + "org:branches";

    /// <summary>
    /// Adds to <see cref="Branches"/> the branch copies made before the list existed (the list is otherwise kept with each
    /// copy): walks the copies' keys once (SCAN on the node holding Registration's keys); a branch listed already is left.
    /// </summary>
    /// <returns>How many branches were added.</returns>
    public async Task<int> FillBranchListAsync()
    {
        var db = redis.GetDatabase();
        var server = redis.GetServer((await db.IdentifyEndpointAsync(Branches))!);
        var prefix = Key(Branch, "").ToString()[..^1]; // "…org:branch:{", the id and "}" follow
        var added = 0;
        await foreach (var key in server.KeysAsync(db.Database, prefix + "*}"))
        {
            var id = key.ToString()[prefix.Length..^1];
            if (await GetAsync<Contracts.Organization.BranchSnapshot>(Branch, id) is { } copy && await db.HashSetAsync(Branches, id, copy.Value.RegionId, When.NotExists))
            {
                added++;
            }
        }

        return added;
    }

    public async Task<string?> DealerWithIdentityAsync(string identityKey) =>
        await redis.GetDatabase().HashGetAsync(DealerIdentities, identityKey);

    /// <returns>True when this version was newer and is now the copy.</returns>
    /// <param name="lookups">Hash fields kept with the copy in the same step (an empty value removes the field).</param>
    public async Task<bool> ApplyAsync<T>(string kind, string id, long version, T snapshot, params (RedisKey Hash, string Field, string Value)[] lookups)
    {
        var keys = new List<RedisKey> { Key(kind, id) };
        var args = new List<RedisValue> { version, JsonSerializer.Serialize(snapshot, Json), Activity.Current?.TraceId.ToHexString() ?? "" };
        foreach (var (hash, field, value) in lookups)
        {
            keys.Add(hash);
            args.Add(field);
            args.Add(value);
        }

        return (int)await redis.GetDatabase().ScriptEvaluateAsync(ApplyIfNewerScript, [.. keys], [.. args]) == 1;
    }

    public async Task<Replica<T>?> GetAsync<T>(string kind, string id) => Decode<T>(await redis.GetDatabase().HashGetAsync(Key(kind, id), Fields));

    /// <summary>Several copies in one round trip (null where there is none).</summary>
    public async Task<IReadOnlyList<Replica<T>?>> GetManyAsync<T>(string kind, IReadOnlyList<string> ids)
    {
        var batch = redis.GetDatabase().CreateBatch();
        var reads = ids.Select(id => batch.HashGetAsync(Key(kind, id), Fields)).ToList();
        batch.Execute();
        return (await Task.WhenAll(reads)).Select(Decode<T>).ToList();
    }

    /// <summary>The ids listed in a lookup hash (its fields).</summary>
    public async Task<IReadOnlyList<string>> LookupFieldsAsync(RedisKey hash) =>
        (await redis.GetDatabase().HashKeysAsync(hash)).Select(f => (string)f!).ToList();

    private static readonly RedisValue[] Fields = ["v", "d", "trace"];

    private static Replica<T>? Decode<T>(RedisValue[] values) =>
        values[0].IsNull
            ? null
            : new Replica<T>(JsonSerializer.Deserialize<T>(((ReadOnlyMemory<byte>)values[1]).Span, Json)!, (long)values[0], (string?)values[2] ?? "");
}

public sealed record Replica<T>(T Value, long Version, string SourceTraceId);
