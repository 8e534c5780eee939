using CustomerProtection.Territory.Domain;
using StackExchange.Redis;

namespace CustomerProtection.Territory.Persistence;

/// <summary>Reads the directory; writes go through <see cref="AtomicChange"/> built by the use cases.</summary>
public sealed class DirectoryStore(IConnectionMultiplexer redis, RedisOutbox outbox, SealedRecords sealedRecords)
{
    private IDatabase Db => redis.GetDatabase();

    public Task<Versioned<Region>?> GetRegionAsync(string id) => GetAsync<Region>(DirectoryKeys.Region, id);

    public Task<Versioned<Branch>?> GetBranchAsync(string id) => GetAsync<Branch>(DirectoryKeys.Branch, id);

    public Task<Versioned<Employee>?> GetEmployeeAsync(string id) => GetAsync<Employee>(DirectoryKeys.Employee, id);

    public Task<Versioned<Dealer>?> GetDealerAsync(string id) => GetAsync<Dealer>(DirectoryKeys.Dealer, id);

    public async Task<Versioned<T>?> GetAsync<T>(string kind, string id)
    {
        var values = await Db.HashGetAsync(DirectoryKeys.Entity(kind, id), Aggregates.Fields);
        return sealedRecords.Read<T>(kind, id, values);
    }

    /// <summary>Every entity of a kind (for import validation and P-7): the directory is small (thousands).</summary>
    public async Task<IReadOnlyList<Versioned<T>>> GetAllAsync<T>(string kind)
    {
        var result = new List<Versioned<T>>();
        string? after = null;
        while (true)
        {
            var page = await PageAsync<T>(kind, DirectoryKeys.All(kind), after, 500);
            result.AddRange(page);
            if (page.Count < 500)
            {
                return result;
            }

            after = IdOf(page[^1].Value);
        }
    }

    /// <summary>Up to <paramref name="count"/> entities of an index, ordered by id, after the given id.</summary>
    public async Task<IReadOnlyList<Versioned<T>>> PageAsync<T>(string kind, RedisKey index, string? afterId, int count)
    {
        var ids = await Db.SortedSetRangeByValueAsync(
            index,
            afterId is null ? default : (RedisValue)afterId,
            default,
            afterId is null ? Exclude.None : Exclude.Start,
            Order.Ascending,
            0,
            count);

        var batch = Db.CreateBatch();
        var reads = ids.Select(id => batch.HashGetAsync(DirectoryKeys.Entity(kind, id!), Aggregates.Fields)).ToList();
        batch.Execute();
        var values = await Task.WhenAll(reads);
        return values.Select((v, i) => sealedRecords.Read<T>(kind, ids[i]!, v)).OfType<Versioned<T>>().ToList();
    }

    public Task<ChangeResult> CommitAsync(AtomicChange change) => change.CommitAsync(Db, outbox);

    public static RedisValue Encode<T>(T value) => JsonCodec.Web<T>().Encode(value);

    /// <summary>C-4: sealing and opening the aggregates that hold deal terms.</summary>
    public SealedRecords Sealed => sealedRecords;

    public static string IdOf<T>(T value) => value switch
    {
        Region r => r.Id,
        Branch b => b.Id,
        Employee e => e.Id,
        Dealer d => d.Id,
        _ => throw new ArgumentException($"Not a directory entity: {typeof(T)}"),
    };
}
