using System.Text.Json;
using CustomerProtection.Registration.Domain;
using CustomerProtection.ServiceDefaults.Messaging;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Persistence;

/// <summary>Reads customers and their lists; writes go through <see cref="CustomerChange"/> built by the use cases.</summary>
public sealed class CustomerStore(IConnectionMultiplexer redis, RedisOutbox outbox)
{
    /// <summary>The storage JSON (<see cref="StorageJson"/>).</summary>
    public static readonly JsonSerializerOptions Json = StorageJson.Options;

    private static readonly RedisValue[] Fields = ["v", "d"];

    public IDatabase Db => redis.GetDatabase();

    public RedisOutbox Outbox => outbox;

    public async Task<Versioned<Customer>?> GetAsync(string id) => Decode(await Db.HashGetAsync(RegistrationKeys.Customer(id), Fields));

    public async Task<IReadOnlyList<Versioned<Customer>>> GetManyAsync(IEnumerable<string> ids)
    {
        var batch = Db.CreateBatch();
        var reads = ids.Select(id => batch.HashGetAsync(RegistrationKeys.Customer(id), Fields)).ToList();
        batch.Execute();
        return (await Task.WhenAll(reads)).Select(Decode).OfType<Versioned<Customer>>().ToList();
    }

    /// <summary>
    /// Just the invoice titles of some customers (X-4 near-duplicate scoring): the JSON is scanned up
    /// to its title property (the third) instead of being deserialised whole.
    /// </summary>
    public async Task<IReadOnlyList<(string Id, string Title)>> TitlesAsync(IReadOnlyList<string> ids)
    {
        var batch = Db.CreateBatch();
        var reads = ids.Select(id => batch.HashGetAsync(RegistrationKeys.Customer(id), "d")).ToList();
        batch.Execute();
        var values = await Task.WhenAll(reads);
        var titles = new List<(string, string)>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            if (!values[i].IsNull && TitleOf((byte[])values[i]!) is { } title)
            {
                titles.Add((ids[i], title));
            }
        }

        return titles;
    }

    private static string? TitleOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("t"u8))
            {
                reader.Read();
                return reader.GetString();
            }
        }

        return null;
    }

    /// <summary>The customer that holds (or last held) this identity, if any.</summary>
    public async Task<string?> IdentityAsync(string identityKey) => await Db.StringGetAsync(RegistrationKeys.Identity(identityKey));

    public async Task<Versioned<Customer>?> ByIdentityAsync(string identityKey) =>
        await IdentityAsync(identityKey) is { } id ? await GetAsync(id) : null;

    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string id) =>
        (await Db.ListRangeAsync(RegistrationKeys.History(id))).Select(v => JsonSerializer.Deserialize<HistoryEntry>((string)v!, Json)!).ToList();

    public async Task<IReadOnlyList<ProgressEntry>> ProgressAsync(string id) =>
        (await Db.ListRangeAsync(RegistrationKeys.Progress(id))).Select(v => JsonSerializer.Deserialize<ProgressEntry>((string)v!, Json)!).ToList();

    /// <summary>Members of an index in id order after <paramref name="afterId"/> (score-0 indexes).</summary>
    public async Task<IReadOnlyList<string>> IdsByValueAsync(RedisKey index, string? afterId, int count) =>
        (await Db.SortedSetRangeByValueAsync(index, afterId is null ? default : (RedisValue)afterId, default,
            afterId is null ? Exclude.None : Exclude.Start, Order.Ascending, 0, count)).Select(v => (string)v!).ToList();

    /// <summary>Members of a time-scored index with a score above <paramref name="minScore"/>, oldest first, from an offset.</summary>
    public async Task<IReadOnlyList<string>> IdsByScoreAsync(RedisKey index, double minScore, long offset, int count) =>
        (await Db.SortedSetRangeByScoreAsync(index, minScore, double.PositiveInfinity, Exclude.Start, Order.Ascending, offset, count))
            .Select(v => (string)v!).ToList();

    public async Task<bool> IsBehindTargetAsync(string branchId, string employeeId) =>
        await Db.SetContainsAsync(RegistrationKeys.BehindTarget(branchId), employeeId);

    public Task<ChangeResult> CommitAsync(CustomerChange change) => change.CommitAsync(Db, outbox);

    /// <summary>
    /// X-4 candidates for near-duplicates of a title: the customers indexed under its candidate keys
    /// (TitleSimilarity.CandidateKeys), ranked by how many keys they share. Sets are read smallest
    /// first within a budget and very common keys (科技, 上海) are skipped: a near-duplicate shares
    /// most of its keys, so it is found through its rarer ones.
    /// </summary>
    public async Task<IReadOnlyList<string>> TitleCandidatesAsync(IReadOnlyCollection<string> candidateKeys, int limit, int memberBudget = 2000, int largestSet = 5000)
    {
        if (candidateKeys.Count == 0)
        {
            return [];
        }

        var keys = candidateKeys.Select(k => RegistrationKeys.TitleKey(k)).ToList();
        var batch = Db.CreateBatch();
        var sizes = keys.Select(k => batch.SetLengthAsync(k)).ToList();
        batch.Execute();
        var lengths = await Task.WhenAll(sizes);

        var chosen = new List<RedisKey>();
        long budget = memberBudget;
        foreach (var (key, length) in keys.Zip(lengths).Where(p => p.Second > 0 && p.Second <= largestSet).OrderBy(p => p.Second))
        {
            if (chosen.Count > 0 && length > budget)
            {
                break;
            }

            chosen.Add(key);
            budget -= length;
        }

        if (chosen.Count == 0)
        {
            return [];
        }

        var reads = Db.CreateBatch();
        var members = chosen.Select(k => reads.SetMembersAsync(k)).ToList();
        reads.Execute();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var set in await Task.WhenAll(members))
        {
            foreach (var member in set)
            {
                var id = (string)member!;
                counts[id] = counts.GetValueOrDefault(id) + 1;
            }
        }

        return counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(limit).Select(p => p.Key).ToList();
    }

    public static string Encode<T>(T value) => JsonSerializer.Serialize(value, Json);

    private static Versioned<Customer>? Decode(RedisValue[] values) =>
        values[0].IsNull ? null : new Versioned<Customer>(JsonSerializer.Deserialize<Customer>((string)values[1]!, Json)!, (long)values[0]);
}
