using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Testing;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Tests.Confidentiality;

/// <summary>C-5 on a real redis-server: one chain from many appenders and chainers, tamper detection, queries.</summary>
public sealed class AuditLogTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.FromHours(8));
    private readonly AuditLog _log = new(redis.Connection);

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private IDatabase Db => redis.Connection.GetDatabase();

    private static AuditRecord Read(string employee, string customer, DateTimeOffset at, string? detail = null) =>
        new(at, employee, Roles.Salesperson, customer, AuditKinds.Read, ["contact_phone", "contact_email"], Purposes.SalesDevelopment, "Customers/GetCustomer", detail);

    private async Task AppendAndChainAsync(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await _log.AppendAsync([Read("S" + (i % 3), "10" + (i % 4), Start.AddMinutes(i), "entry " + i)]);
        }

        await _log.ChainAllAsync();
    }

    [Fact]
    public async Task C5_appends_from_many_requests_on_two_replicas_with_two_chainers_form_one_intact_chain()
    {
        await using var second = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var replicas = new[] { _log, new AuditLog(second) };
        using var appending = new CancellationTokenSource();

        // Two chainers (one per replica) run all along, as if both held the lease at once.
        var chainers = replicas.Select(log => Task.Run(async () =>
        {
            while (!appending.IsCancellationRequested)
            {
                await log.ChainPendingAsync(64);
            }
        })).ToList();
        var appenders = Enumerable.Range(0, 16).Select(task => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await replicas[task % 2].AppendAsync([Read("S" + task, "C" + i, Start.AddMilliseconds(i), $"{task}/{i}")]);
            }
        })).ToList();
        await Task.WhenAll(appenders);
        await appending.CancelAsync();
        await Task.WhenAll(chainers);
        await _log.ChainAllAsync();

        var verification = await _log.VerifyAsync();
        Assert.True(verification.Intact, verification.Broken?.ToString());
        Assert.Equal((800L, 800L), (verification.Checked, verification.HeadSequence));
        var entries = (await _log.QueryAsync(null, null, null, null, 1000, null)).Entries;
        Assert.Equal(Enumerable.Range(1, 800).Select(n => (long)n), entries.Select(e => e.Sequence));
        Assert.Equal(800, entries.Select(e => e.Record.Detail).Distinct().Count());
        Assert.Equal(0, await _log.PendingCountAsync());
    }

    [Fact]
    public async Task C5_verification_names_an_altered_entry()
    {
        await AppendAndChainAsync(10);
        var entries = await Db.StreamRangeAsync(AuditKeys.LogKey);

        // An attacker with write access rewrites the log with entry 4's purpose changed (same ids, same hashes).
        await Db.KeyDeleteAsync(AuditKeys.LogKey);
        foreach (var entry in entries)
        {
            var fields = entry.Values.Select(v => v.Name == "p" && (long)entry["n"] == 4 ? new NameValueEntry("p", Purposes.Marketing) : v).ToArray();
            await Db.StreamAddAsync(AuditKeys.LogKey, fields, entry.Id);
        }

        var verification = await _log.VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(new BrokenLink(4, entries[3].Id!, BrokenReasons.Altered), verification.Broken);
    }

    [Fact]
    public async Task C5_verification_names_a_removed_entry_and_a_removed_tail()
    {
        await AppendAndChainAsync(10);
        var entries = await Db.StreamRangeAsync(AuditKeys.LogKey);
        Assert.True((await _log.VerifyAsync()).Intact);

        await Db.StreamDeleteAsync(AuditKeys.LogKey, [entries[9].Id]);
        Assert.Equal(new BrokenLink(10, null, BrokenReasons.Truncated), (await _log.VerifyAsync()).Broken);

        await Db.StreamDeleteAsync(AuditKeys.LogKey, [entries[5].Id]);
        Assert.Equal(new BrokenLink(6, entries[6].Id!, BrokenReasons.Missing), (await _log.VerifyAsync()).Broken);
    }

    [Fact]
    public async Task C5_entries_are_queried_by_customer_by_employee_and_by_period_page_by_page()
    {
        await AppendAndChainAsync(24);

        var byCustomer = new List<ChainedEntry>();
        string? token = null;
        do
        {
            var page = await _log.QueryAsync("101", null, null, null, 2, token);
            Assert.True(page.Entries.Count <= 2);
            byCustomer.AddRange(page.Entries);
            token = page.NextPageToken;
        }
        while (token is not null);
        Assert.Equal([1L, 5, 9, 13, 17, 21], byCustomer.Select(e => e.Sequence));

        var byEmployee = (await _log.QueryAsync(null, "S2", null, null, 100, null)).Entries;
        Assert.Equal([2L, 5, 8, 11, 14, 17, 20, 23], byEmployee.Select(e => e.Sequence));

        // Entry n is at Start + n minutes: [+5 min, +9 min) is entries 5 to 8.
        var period = (await _log.QueryAsync(null, null, Start.AddMinutes(5), Start.AddMinutes(9), 100, null)).Entries;
        Assert.Equal([5L, 6, 7, 8], period.Select(e => e.Sequence));
        var both = (await _log.QueryAsync("101", "S2", Start.AddMinutes(5), Start.AddMinutes(20), 100, null)).Entries;
        Assert.Equal([5L, 17], both.Select(e => e.Sequence));
        Assert.All(both, e => Assert.Equal(("S2", "101", AuditKinds.Read), (e.Record.EmployeeId, e.Record.CustomerId, e.Record.Kind)));
    }

    [Fact]
    public async Task C5_a_period_from_before_1970_starts_at_the_logs_start_and_one_ending_before_1970_is_empty()
    {
        await AppendAndChainAsync(4);
        var before1970 = new DateTimeOffset(1901, 12, 13, 20, 45, 52, TimeSpan.Zero);

        // Stream ids count milliseconds from 1970: an instant before it (the API takes days from 1900) is no id of its own.
        Assert.Equal([1L, 2, 3, 4], (await _log.QueryAsync(null, null, before1970, null, 100, null)).Entries.Select(e => e.Sequence));
        Assert.Equal([1L], (await _log.QueryAsync("101", null, before1970, null, 100, null)).Entries.Select(e => e.Sequence));
        Assert.Empty((await _log.QueryAsync(null, null, null, before1970, 100, null)).Entries);
        Assert.Empty((await _log.QueryAsync(null, "S1", before1970, before1970.AddDays(1), 100, null)).Entries);
    }
}
