using CustomerProtection.Contracts.Organization;
using CustomerProtection.Notifications.Domain;
using StackExchange.Redis;

namespace CustomerProtection.Notifications.Persistence;

/// <summary>The worker's state in Redis: its copy of the organisation directory and the deliveries (an outbox of notices).</summary>
public sealed class NotificationStore(IConnectionMultiplexer redis, RedisOutbox outbox)
{
    private static readonly JsonCodec<EmployeeSnapshot> Employees = JsonCodec.Web<EmployeeSnapshot>();
    private static readonly JsonCodec<BranchSnapshot> Branches = JsonCodec.Web<BranchSnapshot>();
    private static readonly JsonCodec<Delivery> Deliveries = JsonCodec.Web<Delivery>();
    private static readonly JsonCodec<DigestItem> DigestItems = JsonCodec.Web<DigestItem>();

    private IDatabase Db => redis.GetDatabase();

    public DueQueue Due { get; } = DueQueue.Flat(redis, NotificationKeys.DeliveriesDue);

    /// <summary>The daily digests' due-queue: one entry per person who chose a digest, at their next digest hour.</summary>
    public DueQueue Digests { get; } = DueQueue.Flat(redis, NotificationKeys.DigestsDue);

    public Task<ChangeResult> CommitAsync(AtomicChange change) => change.CommitAsync(Db, outbox);

    public async Task<Versioned<EmployeeSnapshot>?> GetEmployeeAsync(string employeeId) =>
        Aggregates.Read(await Db.HashGetAsync(NotificationKeys.Employee(employeeId), Aggregates.Fields), Employees);

    public async Task<IReadOnlyList<EmployeeSnapshot>> GetEmployeesAsync(IReadOnlyList<string> employeeIds)
    {
        var batch = Db.CreateBatch();
        var reads = employeeIds.Select(id => batch.HashGetAsync(NotificationKeys.Employee(id), Aggregates.Fields)).ToList();
        batch.Execute();
        return [.. (await Task.WhenAll(reads)).Select(v => Aggregates.Read(v, Employees)?.Value).OfType<EmployeeSnapshot>()];
    }

    public async Task<Versioned<BranchSnapshot>?> GetBranchAsync(string branchId) =>
        Aggregates.Read(await Db.HashGetAsync(NotificationKeys.Branch(branchId), Aggregates.Fields), Branches);

    public async Task<IReadOnlyList<string>> MembersAsync(RedisKey set) => [.. (await Db.SetMembersAsync(set)).Select(m => (string)m!)];

    /// <summary>Of <paramref name="employeeIds"/>, those who muted <paramref name="kind"/>.</summary>
    public async Task<IReadOnlySet<string>> MutedAsync(IReadOnlyList<string> employeeIds, string kind)
    {
        var batch = Db.CreateBatch();
        var reads = employeeIds.Select(id => (Id: id, Muted: batch.SetContainsAsync(NotificationKeys.Muted(id), kind))).ToList();
        batch.Execute();
        var muted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, read) in reads)
        {
            if (await read)
            {
                muted.Add(id);
            }
        }

        return muted;
    }

    /// <summary>Of <paramref name="employeeIds"/>, those who chose a daily digest.</summary>
    public async Task<IReadOnlySet<string>> DigestChosenAsync(IReadOnlyList<string> employeeIds)
    {
        if (employeeIds.Count == 0)
        {
            return new HashSet<string>();
        }

        var chosen = await Db.SetContainsAsync(NotificationKeys.DigestChosen, [.. employeeIds.Select(id => (RedisValue)id)]);
        return employeeIds.Where((_, i) => chosen[i]).ToHashSet(StringComparer.Ordinal);
    }

    public Task<bool> ChoseDigestAsync(string employeeId) => Db.SetContainsAsync(NotificationKeys.DigestChosen, employeeId);

    /// <summary>The version of the employee's digest choice (0: never set); read before the choice itself, checked at commit.</summary>
    public async Task<long> DigestChoiceVersionAsync(string employeeId) => (long?)await Db.StringGetAsync(NotificationKeys.DigestChoice(employeeId)) ?? 0;

    /// <summary>Of <paramref name="employeeIds"/>, each one's digest choice version (<see cref="DigestChoiceVersionAsync"/>).</summary>
    public async Task<IReadOnlyDictionary<string, long>> DigestChoiceVersionsAsync(IReadOnlyList<string> employeeIds)
    {
        var batch = Db.CreateBatch();
        var reads = employeeIds.Select(id => (Id: id, Version: batch.StringGetAsync(NotificationKeys.DigestChoice(id)))).ToList();
        batch.Execute();
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (id, read) in reads)
        {
            versions[id] = (long?)await read ?? 0;
        }

        return versions;
    }

    /// <summary>The step goes ahead only if the employee's digest choice is still the one read at <paramref name="version"/>.</summary>
    public static AtomicChange ExpectDigestChoice(AtomicChange change, string employeeId, long version) =>
        change.ExpectUnchanged(NotificationKeys.DigestChoice(employeeId), version);

    /// <summary>Holds a notice back for the employee's next digest (in the step that records the notice), and remembers they took it so.</summary>
    public AtomicChange HoldForDigest(AtomicChange change, string employeeId, DigestItem item, DateTimeOffset at) =>
        change.IndexAdd(NotificationKeys.DigestItems(employeeId), DigestItems.Encode(item)!, at.ToUnixTimeMilliseconds())
            .SetAdd(NotificationKeys.TakenInDigest, $"{item.EventId}:{employeeId}");

    /// <summary>Whether the employee took the event's notice in a digest (<see cref="HoldForDigest"/>).</summary>
    public async Task<bool> TookInDigestAsync(string eventId, string employeeId) =>
        await Db.SetContainsAsync(NotificationKeys.TakenInDigest, $"{eventId}:{employeeId}");

    /// <summary>The notices held back for the employee's digest, oldest first, each with its stored member (to remove it once digested).</summary>
    public async Task<IReadOnlyList<(string Member, DigestItem Item)>> HeldForDigestAsync(string employeeId) =>
        [.. (await Db.SortedSetRangeByRankAsync(NotificationKeys.DigestItems(employeeId))).Select(m => ((string)m!, DigestItems.Decode(m!)))];

    public AtomicChange PutEmployee(AtomicChange change, EmployeeSnapshot employee, long version) =>
        change.Put(NotificationKeys.Employee(employee.EmployeeId), version, Employees.Encode(employee));

    public AtomicChange PutBranch(AtomicChange change, BranchSnapshot branch, long version) =>
        change.Put(NotificationKeys.Branch(branch.BranchId), version, Branches.Encode(branch));

    public async Task<Versioned<Delivery>?> GetDeliveryAsync(string deliveryId) =>
        Aggregates.Read(await Db.HashGetAsync(NotificationKeys.Delivery(deliveryId), Aggregates.Fields), Deliveries);

    public AtomicChange PutDelivery(AtomicChange change, Delivery delivery, long version) =>
        change.Put(NotificationKeys.Delivery(delivery.DeliveryId), version, Deliveries.Encode(delivery));

    /// <summary>The deliveries failed for good, most recent failure first, from <paramref name="offset"/>.</summary>
    public async Task<(IReadOnlyList<Delivery> Items, bool More)> FailedAsync(int offset, int count)
    {
        var ids = await Db.SortedSetRangeByRankAsync(NotificationKeys.DeliveriesFailed, offset, offset + count, Order.Descending);
        var batch = Db.CreateBatch();
        var reads = ids.Take(count).Select(id => batch.HashGetAsync(NotificationKeys.Delivery(id!), Aggregates.Fields)).ToList();
        batch.Execute();
        var items = (await Task.WhenAll(reads)).Select(v => Aggregates.Read(v, Deliveries)?.Value).OfType<Delivery>().ToList();
        return (items, ids.Length > count);
    }
}
