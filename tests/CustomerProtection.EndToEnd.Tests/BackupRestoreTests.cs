using CustomerProtection.Protos;
using System.Diagnostics;
using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using CustomerProtection.Platform.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Registration.V1;
using CustomerProtection.Testing;
using Google.Protobuf.WellKnownTypes;
using StackExchange.Redis;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>The system with a backup folder of the test's own, a key ring the test knows, and retention of the newest two.</summary>
public sealed class BackupSystemFixture : SystemFixture
{
    public const string KeyId = "bk1";

    public string Folder { get; } = Directory.CreateTempSubdirectory("cp-backups-").FullName;

    public string Key { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    protected override IEnumerable<string> ExtraArguments() =>
    [
        $"--Backup:Directory={Folder}",
        "--Backup:KeepLast=2",
        "--Backup:KeepDays=0",
        $"--Confidentiality:ActiveKey={KeyId}",
        $"--Confidentiality:Keys:{KeyId}={Key}",
    ];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>
/// C-8 restore drill: the system backs itself up when its clock passes the scheduled hour (encrypted with
/// the key ring, with a checksum); tools/backup.sh restores the backup into a fresh folder that a new
/// redis-server starts from with every customer in it; an altered backup is refused; retention deletes the oldest.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class BackupRestoreTests(BackupSystemFixture system) : IClassFixture<BackupSystemFixture>
{
    private static readonly string RepoRoot = FindRepoRoot();

    [Fact]
    public async Task C8_the_scheduled_encrypted_backup_restores_every_customer_refuses_a_changed_byte_and_retention_deletes_the_oldest()
    {
        var org = await TestOrganisation.ImportAsync(system);
        var clock = new Clock.ClockClient(system.Channel(ResourceNames.Registration));
        var customers = new Customers.CustomersClient(system.Channel(ResourceNames.Registration));
        var filed = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var view = await customers.FileCustomerAsync(new FileCustomerRequest
            {
                InvoiceTitle = $"备份测试{org.S}第{i}有限公司",
                CustomerClass = CustomerClass.Potential,
                DeclaredAnnualSales = "100000",
                Contact = new Contact { Name = "陈经理", Phone = "13900001111", Email = "chen@example.com" },
                EvidenceKind = FilingEvidenceKind.Visit,
                EvidenceDate = (await clock.GetTimeAsync(new GetTimeRequest(), org.Salesperson1)).Today,
                Evidence = "拜访纪要",
            }, org.Salesperson1);
            filed.Add(view.CustomerId);
        }

        var endpoint = await system.App.GetConnectionStringAsync(ResourceNames.Redis) ?? throw new InvalidOperationException("no redis");
        await using var live = await ConnectionMultiplexer.ConnectAsync(endpoint);
        // The schedule has started (its first pass records when), and no backup was taken at start.
        await Eventually.GetAsync(async () => await live.GetDatabase().KeyExistsAsync("cp:{registration}:backup:last-slot") ? "" : null,
            "the backup schedule starting");
        Assert.Empty(Backups());
        var before = await CustomerVersionsAsync(live);
        Assert.All(filed, id => Assert.Contains($"cp:{{registration}}:customer:{{{id}}}", before.Keys));

        var first = await AdvanceADayAndWaitForBackupAsync(clock);

        var work = Directory.CreateTempSubdirectory("cp-backup-test-").FullName;
        try
        {
            var verify = await RunAsync("verify", first);
            Assert.True(verify.ExitCode == 0, verify.Output);
            Assert.Contains("customers: ", verify.Output, StringComparison.Ordinal);

            var restore = await RunAsync("restore", first, "--data-dir", Path.Combine(work, "redis"));
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

            // One changed byte: refused by the checksum; with the checksum made to match, refused by the
            // authentication. The target folder is left alone.
            var altered = Path.Combine(work, Path.GetFileName(first));
            var bytes = await File.ReadAllBytesAsync(first);
            bytes[bytes.Length / 2] ^= 0x01;
            await File.WriteAllBytesAsync(altered, bytes);
            File.Copy(first + ".sha256", altered + ".sha256");
            var refused = await RunAsync("restore", altered, "--data-dir", Path.Combine(work, "other"));
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("checksum", refused.Output, StringComparison.Ordinal);

            await File.WriteAllTextAsync(altered + ".sha256", $"{Convert.ToHexStringLower(SHA256.HashData(bytes))}  {Path.GetFileName(altered)}\n");
            refused = await RunAsync("restore", altered, "--data-dir", Path.Combine(work, "other"));
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("fails authentication", refused.Output, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(work, "other")));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        // Retention keeps the newest two: the third backup deletes the first, with its checksum. The worker prunes
        // right after it writes the new backup's checksum, so the folder is looked at until it has settled.
        var second = await AdvanceADayAndWaitForBackupAsync(clock);
        var third = await AdvanceADayAndWaitForBackupAsync(clock);
        string[] kept = [second, second + ".sha256", third, third + ".sha256"];
        string[] Files() => Directory.GetFiles(system.Folder).Order(StringComparer.Ordinal).ToArray();
        await Eventually.GetAsync(() => Task.FromResult(Files().SequenceEqual(kept) ? kept : null), "the first backup pruned", TimeSpan.FromSeconds(30));
        Assert.Equal(kept, Files());
    }

    private string[] Backups() => Directory.GetFiles(system.Folder, "*.cpbackup").Order(StringComparer.Ordinal).ToArray();

    /// <summary>Moves the shared clock a day (past the scheduled hour) and waits for the new backup the worker takes.</summary>
    private async Task<string> AdvanceADayAndWaitForBackupAsync(Clock.ClockClient clock)
    {
        var known = Backups();
        await clock.AdvanceAsync(new AdvanceRequest { By = Duration.FromTimeSpan(TimeSpan.FromDays(1)) }, system.As("HQ-1", Roles.Hq));
        return await Eventually.GetAsync(() => Task.FromResult(Backups().Except(known).SingleOrDefault(f => File.Exists(f + ".sha256"))),
            "the scheduled backup", TimeSpan.FromSeconds(60));
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

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoRoot, "tools", "backup.sh"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot,
            // The key ring as Registration is configured with it.
            Environment = { [$"Confidentiality__Keys__{BackupSystemFixture.KeyId}"] = system.Key },
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
