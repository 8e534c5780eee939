using System.Globalization;
using CustomerProtection.Contracts.Organization;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Time;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Persistence;

/// <summary>
/// Brings a Redis written by an earlier version of Registration to the current layout, once, at
/// start-up (before the service answers): identity string keys → the identity buckets; history and
/// progress lists → entry fields of the customer's hash (oldest first, before any later entry); the
/// set of applied awards → award fields; the confidential envelope's own key → its field of the
/// customer's hash (C-4: moved as it is, still sealed); and the organisation copy's salespeople listed per branch
/// (X-1 holdings of a branch); a branch's sorted set of all its customers → its blocks of ids (layout 4,
/// <see cref="RegistrationKeys.BranchCustomers(string, string)"/>); every record with a taxpayer id listed in its
/// title's group (layout 5, <see cref="RegistrationKeys.TitleGroupField"/>: P-2.5 as written, a title-only filing
/// meets it); every protected customer in the sets of its last protected day (layout 6,
/// <see cref="RegistrationKeys.BranchEnding"/>, <see cref="RegistrationKeys.CompanyEnding"/>: "ending within N days"). Records that are now the same customer are not merged: hq reads them in the identity
/// conflicts report and settles them through an ownership case. Each key moves in one script (read,
/// write, delete), a branch's customers in chunks of one script each (moved members leave the sorted set
/// in the chunk that adds them to their blocks), so a second replica doing the same, or a crash half
/// way, is harmless; a marker says it is done, so later starts cost one GET.
/// </summary>
public sealed class StorageMigration(IConnectionMultiplexer redis, OrganizationReplicaStore replica, PolicyClock clock, ILogger<StorageMigration> logger) : IHostedService
{
    public const string CurrentLayout = "6";
    public static readonly RedisKey Marker = RegistrationKeys.Prefix + "layout";

    private static readonly string IdentityPrefix = RegistrationKeys.Prefix + "identity:{";
    private static readonly string CustomerPrefix = RegistrationKeys.CustomerPrefix;
    private static readonly string EmployeePrefix = RegistrationKeys.Prefix + "org:" + OrganizationReplicaStore.Employee + ":{";
    private static readonly string BranchPrefix = RegistrationKeys.Prefix + "branch:{";
    private const string LegacyBranchCustomersSuffix = "}:customers";

    /// <summary>Members per chunk of <see cref="MoveBranchCustomers"/>: one script stays short (Redis serves nobody else meanwhile).</summary>
    public const int BranchChunk = 1000;

    // KEYS[1]: the branch's layout-3 sorted set, KEYS[2]: its directory of blocks, KEYS[3..]: the blocks the
    // chunk's ids go to (RegistrationKeys.CustomerBlock, worked out by the caller). ARGV: per block its name
    // and how many ids, then the ids. The ids go to their blocks and leave the sorted set (deleted by Redis
    // with its last member); returns how many are left. The other ids' block is a sorted set of score 0,
    // listed last (+inf); an integer block is a set, listed at its number.
    private const string MoveBranchCustomers =
        """
        local a = 1
        for i = 3, #KEYS do
          local block, n = ARGV[a], tonumber(ARGV[a + 1])
          a = a + 2
          for j = a, a + n - 1 do
            if block == ARGV[#ARGV] then redis.call('ZADD', KEYS[i], 0, ARGV[j]) else redis.call('SADD', KEYS[i], ARGV[j]) end
            redis.call('ZREM', KEYS[1], ARGV[j])
          end
          if block == ARGV[#ARGV] then redis.call('ZADD', KEYS[2], '+inf', block) else redis.call('ZADD', KEYS[2], block, block) end
          a = a + n
        end
        return redis.call('ZCARD', KEYS[1])
        """;

    // KEYS[1]: the customer, KEYS[2]: its title's identity bucket. ARGV: the group field, the id. The id
    // joins the group unless it is there already (a second replica or a restart adds nothing).
    private const string JoinTitleGroup =
        """
        local group = redis.call('HGET', KEYS[2], ARGV[1])
        if not group then redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]); return 1 end
        for id in string.gmatch(group, '%S+') do if id == ARGV[2] then return 0 end end
        redis.call('HSET', KEYS[2], ARGV[1], group .. ' ' .. ARGV[2])
        return 1
        """;

    // A string key into a field of a hash: an identity into its bucket, an envelope into its customer.
    // The field wins when both exist (it was written by the current version).
    private const string MoveIntoField =
        """
        local value = redis.call('GET', KEYS[1])
        if not value then return 0 end
        redis.call('HSETNX', KEYS[2], ARGV[1], value)
        redis.call('DEL', KEYS[1])
        return 1
        """;

    // Legacy entries take version 0 (h0, h0.1, …): versions start at 1, so they sort first and never clash.
    private const string MoveList =
        """
        local items = redis.call('LRANGE', KEYS[1], 0, -1)
        for i, v in ipairs(items) do
          local field = ARGV[1] .. '0'
          if i > 1 then field = field .. '.' .. (i - 1) end
          redis.call('HSETNX', KEYS[2], field, v)
        end
        redis.call('DEL', KEYS[1])
        return #items
        """;

    private const string MoveAwards =
        """
        local cases = redis.call('SMEMBERS', KEYS[1])
        for _, c in ipairs(cases) do redis.call('HSETNX', KEYS[2], 'a:' .. c, ARGV[1]) end
        redis.call('DEL', KEYS[1])
        return #cases
        """;

    /// <summary>
    /// An award applied before decision times were kept: its decision time is unknown, so later
    /// awards of that case are not applied either (what the earlier version did).
    /// </summary>
    public static readonly long UnknownDecision = long.MaxValue;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var moved = await MigrateAsync();
        if (moved > 0)
        {
            logger.LogWarning("Registration storage moved to layout {Layout}: {Moved} keys", CurrentLayout, moved);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <returns>How many keys were moved.</returns>
    public async Task<int> MigrateAsync()
    {
        var db = redis.GetDatabase();
        if (await db.StringGetAsync(Marker) == CurrentLayout)
        {
            return 0;
        }

        var moved = 0;
        foreach (var server in redis.GetServers().Where(s => !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(db.Database, IdentityPrefix + "*", pageSize: 1000))
            {
                var name = (string)key!;
                var identityKey = name[IdentityPrefix.Length..^1];
                moved += (int)await db.ScriptEvaluateAsync(MoveIntoField, [key, RegistrationKeys.Identities(identityKey)], [identityKey]);
            }

            await foreach (var key in server.KeysAsync(db.Database, CustomerPrefix + "*}:*", pageSize: 1000))
            {
                var name = (string)key!;
                var close = name.IndexOf("}:", CustomerPrefix.Length, StringComparison.Ordinal);
                var customer = RegistrationKeys.Customer(name[CustomerPrefix.Length..close]);
                var moves = name[(close + 2)..] switch
                {
                    "history" => await db.ScriptEvaluateAsync(MoveList, [key, customer], [RegistrationKeys.HistoryPrefix.ToString()]),
                    "progress" => await db.ScriptEvaluateAsync(MoveList, [key, customer], [RegistrationKeys.ProgressPrefix.ToString()]),
                    "awards" => await db.ScriptEvaluateAsync(MoveAwards, [key, customer], [UnknownDecision.ToString(CultureInfo.InvariantCulture)]),
                    "pii" => await db.ScriptEvaluateAsync(MoveIntoField, [key, customer], [RegistrationKeys.EnvelopeField]),
                    _ => null, // clear contact hashes and grant slots stay where they are (the key pass encrypts the former)
                };
                moved += moves is null ? 0 : 1;
            }

            await foreach (var key in server.KeysAsync(db.Database, EmployeePrefix + "*", pageSize: 1000))
            {
                var id = ((string)key!)[EmployeePrefix.Length..^1];
                if (await replica.GetAsync<EmployeeSnapshot>(OrganizationReplicaStore.Employee, id) is { Value: { BranchId: { } branch } employee }
                    && HoldingRules.IsCapped(employee.Role, employee.Status)
                    && await db.HashSetAsync(OrganizationReplicaStore.BranchSalespeople(branch), id, employee.Status, When.NotExists))
                {
                    moved++;
                }
            }

            await foreach (var key in server.KeysAsync(db.Database, CustomerPrefix + "*}", pageSize: 1000))
            {
                moved += await JoinTitleGroupAsync(db, key);
                moved += await IndexProtectedAsync(db, key);
            }

            await foreach (var key in server.KeysAsync(db.Database, BranchPrefix + "*" + LegacyBranchCustomersSuffix, pageSize: 1000))
            {
                var name = (string)key!;
                await MoveBranchCustomersAsync(name[BranchPrefix.Length..^LegacyBranchCustomersSuffix.Length], int.MaxValue);
                moved++;
            }
        }

        await db.StringSetAsync(Marker, CurrentLayout);
        return moved;
    }

    /// <summary>Layout 5: a record with a taxpayer id joins its title's group (P-2.5); 1 when it was not listed yet.</summary>
    private static async Task<int> JoinTitleGroupAsync(IDatabase db, RedisKey key)
    {
        var data = await db.HashGetAsync(key, "d");
        if (data.IsNull)
        {
            return 0;
        }

        Customer customer;
        try
        {
            customer = StorageFormat.DecodeCustomer(((ReadOnlyMemory<byte>)data).Span);
        }
        catch (InvalidDataException)
        {
            return 0; // A record this build cannot read is left as it is (the due-queue logs it too).
        }

        if (customer.TaxpayerId is null || !Policy.Identity.InvoiceTitle.TryNormalize(customer.Title, out var title))
        {
            return 0; // A title that cannot be normalised meets no title-only filing (those are refused).
        }

        return (int)await db.ScriptEvaluateAsync(JoinTitleGroup,
            [key, RegistrationKeys.Identities(Policy.Identity.CustomerIdentity.TitlePrefix + title)],
            [RegistrationKeys.TitleGroupField(title), customer.Id]);
    }

    /// <summary>
    /// Layout 6: a protected customer joins the sets of its last protected day, as <see cref="CustomerIndexes.Of"/>
    /// puts it there (the effective end evaluated now); 1 when it was added. SADD again changes nothing, so a
    /// second replica or a restart is harmless.
    /// </summary>
    private async Task<int> IndexProtectedAsync(IDatabase db, RedisKey key)
    {
        var data = await db.HashGetAsync(key, "d");
        if (data.IsNull)
        {
            return 0;
        }

        Customer customer;
        try
        {
            customer = StorageFormat.DecodeCustomer(((ReadOnlyMemory<byte>)data).Span);
        }
        catch (InvalidDataException)
        {
            return 0; // As for layout 5: a record this build cannot read is left as it is.
        }

        if (customer is not { Status: CustomerStatus.Protected } || clock.Evaluate(customer).End is not { } end)
        {
            return 0;
        }

        var lastDay = Protection.Date(end.LastDay);
        var batch = db.CreateBatch();
        var added = batch.SetAddAsync(RegistrationKeys.BranchEnding(customer.BranchId, lastDay), customer.Id);
        var company = batch.SetAddAsync(RegistrationKeys.CompanyEnding(lastDay), customer.Id);
        batch.Execute();
        await company;
        return await added ? 1 : 0;
    }

    /// <summary>
    /// Moves up to <paramref name="chunks"/> chunks of the branch's layout-3 sorted set into its blocks
    /// (fewer when it empties first); returns how many members are left in it.
    /// </summary>
    public async Task<long> MoveBranchCustomersAsync(string branchId, int chunks)
    {
        var db = redis.GetDatabase();
        var legacy = RegistrationKeys.LegacyBranchCustomers(branchId);
        var left = await db.SortedSetLengthAsync(legacy);
        for (var i = 0; i < chunks && left > 0; i++)
        {
            var blocks = (await db.SortedSetRangeByRankAsync(legacy, 0, BranchChunk - 1))
                .Select(v => (string)v!)
                .GroupBy(RegistrationKeys.CustomerBlock)
                .ToList();
            RedisKey[] keys = [legacy, RegistrationKeys.BranchCustomerBlocks(branchId), .. blocks.Select(b => RegistrationKeys.BranchCustomers(branchId, b.Key))];
            RedisValue[] args = [.. blocks.SelectMany(b => b.Prepend(b.Count().ToString(CultureInfo.InvariantCulture)).Prepend(b.Key)).Select(v => (RedisValue)v),
                RegistrationKeys.OtherIdsBlock];
            left = (long)await db.ScriptEvaluateAsync(MoveBranchCustomers, keys, args);
        }

        return left;
    }
}
