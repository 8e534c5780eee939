using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using CustomerProtection.Registration.V1;
using CustomerProtection.Testing;
using StackExchange.Redis;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// C-8: the documented commands (tools/backup.sh) take an online snapshot of the running system's Redis,
/// and restore it into a fresh data folder that a new redis-server starts from, with every customer in it.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class BackupRestoreTests(SystemFixture system)
{
    private static readonly string RepoRoot = FindRepoRoot();

    [Fact]
    public async Task C8_a_backup_of_the_running_system_restored_into_a_fresh_redis_holds_every_customer()
    {
        var org = await TestOrganisation.ImportAsync(system);
        var customers = new Customers.CustomersClient(system.Channel(ResourceNames.Registration));
        var filed = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var view = await customers.FileCustomerAsync(new FileCustomerRequest
            {
                InvoiceTitle = $"备份测试{org.S}第{i}有限公司",
                CustomerClass = "potential",
                DeclaredAnnualSales = "100000",
                Contact = new Contact { Name = "陈经理", Phone = "13900001111", Email = "chen@example.com" },
                EvidenceKind = "visit",
                EvidenceDate = (await new CustomerProtection.Platform.V1.Clock.ClockClient(system.Channel(ResourceNames.Registration))
                    .GetTimeAsync(new CustomerProtection.Platform.V1.GetTimeRequest(), org.Salesperson1)).Today,
                Evidence = "拜访纪要",
            }, org.Salesperson1);
            filed.Add(view.CustomerId);
        }

        // Every customer key of the live system before the snapshot (customers are never deleted, so
        // each one must be in the backup, at its version or a later one).
        // The AppHost's Redis connection string is host:port (LocalRedis), which is what the script takes.
        var endpoint = await system.App.GetConnectionStringAsync(ResourceNames.Redis) ?? throw new InvalidOperationException("no redis");
        var live = await ConnectionMultiplexer.ConnectAsync($"{endpoint},allowAdmin=true");
        var before = await CustomerVersionsAsync(live);
        Assert.All(filed, id => Assert.Contains($"cp:{{registration}}:customer:{{{id}}}", before.Keys));

        var work = Directory.CreateTempSubdirectory("cp-backup-test-").FullName;
        try
        {
            var file = Path.Combine(work, "snapshot.rdb");
            var backup = await RunAsync("backup", "--redis", endpoint, "--out", file);
            Assert.True(backup.ExitCode == 0, backup.Output);
            Assert.True(File.Exists(file + ".sha256"), "the backup writes a checksum beside the snapshot");

            var restore = await RunAsync("restore", file, "--data-dir", Path.Combine(work, "redis"));
            Assert.True(restore.ExitCode == 0, restore.Output);

            var restored = RedisServer.Over(Path.Combine(work, "redis"));
            Dictionary<string, long> after;
            try
            {
                await restored.InitializeAsync();
                after = await CustomerVersionsAsync(restored.Connection);
            }
            finally
            {
                await restored.DisposeAsync();
            }

            Assert.All(before, pair =>
            {
                Assert.True(after.TryGetValue(pair.Key, out var version), $"{pair.Key} is missing from the restored Redis");
                Assert.True(version >= pair.Value, $"{pair.Key} restored at version {version}, below {pair.Value}");
            });

            // A corrupted file is refused by its checksum, and the target folder is left alone.
            await File.AppendAllTextAsync(file, "x");
            var refused = await RunAsync("restore", file, "--data-dir", Path.Combine(work, "other"));
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("checksum", refused.Output, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(work, "other")));
        }
        finally
        {
            await live.DisposeAsync();
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<Dictionary<string, long>> CustomerVersionsAsync(IConnectionMultiplexer redis)
    {
        var db = redis.GetDatabase();
        var versions = new Dictionary<string, long>();
        await foreach (var key in redis.GetServers()[0].KeysAsync(pattern: "cp:{registration}:customer:{*}", pageSize: 1000))
        {
            versions[key!] = (long)await db.HashGetAsync(key, "v");
        }

        return versions;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoRoot, "tools", "backup.sh"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    private static string FindRepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CustomerProtection.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("CustomerProtection.sln not found above the test binaries.");
    }
}
