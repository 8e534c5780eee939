using System.Globalization;
using CustomerProtection.Contracts.Organization;
using CustomerProtection.Registration.Confidentiality;
using CustomerProtection.Registration.Domain;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Persistence;

/// <summary>
/// Brings a Redis written by an earlier version of Registration to the current layout, once, at
/// start-up (before the service answers): identity string keys → the identity buckets; history and
/// progress lists → entry fields of the customer's hash (oldest first, before any later entry); the
/// set of applied awards → award fields; the confidential envelope's own key → its field of the
/// customer's hash (C-4: moved as it is, still sealed); and the organisation copy's salespeople listed per branch
/// (X-1 holdings of a branch). Each key moves in one script (read, write, delete), so a second
/// replica doing the same, or a crash half way, is harmless; a marker says it is done, so later
/// starts cost one GET.
/// </summary>
public sealed class StorageMigration(IConnectionMultiplexer redis, OrganizationReplicaStore replica, ILogger<StorageMigration> logger) : IHostedService
{
    public const string CurrentLayout = "3";
    public static readonly RedisKey Marker = "cp:registration:layout";

    private const string IdentityPrefix = "cp:registration:identity:{";
    private const string CustomerPrefix = RegistrationKeys.CustomerPrefix;
    private const string EmployeePrefix = "cp:registration:org:" + OrganizationReplicaStore.Employee + ":{";

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
                    "pii" => await db.ScriptEvaluateAsync(MoveIntoField, [key, customer], [ConfidentialityKeys.EnvelopeField]),
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
        }

        await db.StringSetAsync(Marker, CurrentLayout);
        return moved;
    }
}
