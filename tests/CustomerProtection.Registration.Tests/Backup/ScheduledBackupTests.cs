using System.Text;
using CustomerProtection.Registration.Backup;
using CustomerProtection.ServiceDefaults.Encryption;
using CustomerProtection.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Tests.Backup;

/// <summary>C-8 on a real redis-server: the schedule on a moved clock, the encrypted file with its checksum, retention.</summary>
public sealed class ScheduledBackupTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private readonly string _folder = Directory.CreateTempSubdirectory("cp-backup-unit-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 10, 0, 0, Shanghai));
    private readonly KeyRing _ring = KeyRing.Generate("bk1");

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private TakeScheduledBackup Backup(int keepLast) => new(
        redis.Connection, ConfigurationOptions.Parse(redis.ConnectionString), certificate: null, _ring, _time,
        Options.Create(new BackupOptions { Directory = _folder, At = new TimeOnly(3, 0), KeepLast = keepLast, KeepDays = 0 }),
        NullLogger<TakeScheduledBackup>.Instance);

    [Fact]
    public async Task C8_the_first_backup_is_at_the_next_scheduled_hour_encrypted_with_the_active_key_and_a_checksum()
    {
        await redis.Connection.GetDatabase().StringSetAsync("cp:{registration}:probe", "上海华光电子有限公司");
        var backup = Backup(keepLast: 7);

        Assert.Null(await backup.RunIfDueAsync(CancellationToken.None)); // starts the schedule
        _time.SetUtcNow(new DateTimeOffset(2026, 12, 7, 2, 59, 0, Shanghai));
        Assert.Null(await backup.RunIfDueAsync(CancellationToken.None));
        Assert.Empty(Directory.GetFiles(_folder));

        _time.SetUtcNow(new DateTimeOffset(2026, 12, 7, 3, 0, 1, Shanghai));
        var taken = await backup.RunIfDueAsync(CancellationToken.None);
        Assert.NotNull(taken);
        Assert.Null(await backup.RunIfDueAsync(CancellationToken.None)); // the slot is done

        var bytes = await File.ReadAllBytesAsync(Path.Combine(_folder, taken.FileName));
        Assert.Equal("CPBACKUP\u0001\u0003bk1", Encoding.ASCII.GetString(bytes, 0, 13));
        // Neither the RDB's own magic nor the stored text is in clear.
        Assert.DoesNotContain("REDIS", Encoding.ASCII.GetString(bytes), StringComparison.Ordinal);
        Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes("上海华光电子有限公司")));
        var checksum = await File.ReadAllTextAsync(Path.Combine(_folder, taken.FileName + ".sha256"));
        Assert.Equal($"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))}  {taken.FileName}\n", checksum);
    }

    [Fact]
    public async Task C8_retention_deletes_the_oldest_backup_and_its_checksum()
    {
        var backup = Backup(keepLast: 2);
        await backup.RunIfDueAsync(CancellationToken.None);
        var taken = new List<BackupName>();
        for (var day = 7; day <= 9; day++)
        {
            _time.SetUtcNow(new DateTimeOffset(2026, 12, day, 3, 30, 0, Shanghai));
            taken.Add((await backup.RunIfDueAsync(CancellationToken.None))!);
        }

        var left = Directory.GetFiles(_folder).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(taken.Skip(1).SelectMany(t => new[] { t.FileName, t.FileName + ".sha256" }).Order(), left);
    }
}
