using System.Net.Security;
using System.Security.Cryptography;
using CustomerProtection.ServiceDefaults.Encryption;
using Microsoft.Extensions.Options;
using NodaTime;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Backup;

/// <summary>
/// C-8: when a scheduled instant has passed (<see cref="BackupSchedule"/>), takes a snapshot of Redis
/// (<see cref="RedisSnapshot"/>), writes it encrypted (<see cref="BackupCipher"/>) with its SHA-256 beside it
/// (<c>sha256sum</c> format, checkable without the key), records the slot in Redis so every replica knows
/// it is done, then applies retention. The caller holds the backup lease: one replica at a time.
/// </summary>
public sealed class TakeScheduledBackup(
    IConnectionMultiplexer redis, ConfigurationOptions connection, RemoteCertificateValidationCallback? certificate, KeyRing ring, TimeProvider time,
    IOptions<BackupOptions> options, ILogger<TakeScheduledBackup> logger)
{
    /// <summary>The slot of the last backup taken, or when the schedule first ran (unix ms): shared by the replicas, kept across restarts.</summary>
    public static readonly RedisKey LastSlotKey = KeySpace.Of(ResourceNames.Registration) + "backup:last-slot";

    public static readonly RedisKey LeaseKey = KeySpace.Of(ResourceNames.Registration) + "backup:lease";

    /// <summary>The backup taken, or null when none was due.</summary>
    public async Task<BackupName?> RunIfDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = PolicyTime.Now(time);
        var db = redis.GetDatabase();
        var last = await db.StringGetAsync(LastSlotKey);
        if (last.IsNull)
        {
            // First run of the schedule: the first backup is at the next scheduled instant, not at once.
            await db.StringSetAsync(LastSlotKey, now.ToUnixTimeMilliseconds(), when: When.NotExists);
            return null;
        }

        var at = LocalTime.FromTimeOnly(settings.At);
        if (!BackupSchedule.IsDue(now, at, Instant.FromUnixTimeMilliseconds((long)last)))
        {
            return null;
        }

        var taken = await WriteAsync(settings.Directory!, now, cancellationToken);
        await db.StringSetAsync(LastSlotKey, BackupSchedule.LatestSlot(now, at).ToUnixTimeMilliseconds());
        Prune(settings, PolicyTime.Now(time));
        return taken;
    }

    private async Task<BackupName> WriteAsync(string directory, Instant now, CancellationToken cancellationToken)
    {
        var server = redis.GetServers().Where(s => !s.IsReplica).ToList() switch
        {
            [{ ServerType: not ServerType.Cluster } one] => one,
            var servers => throw new RedisSnapshotException(
                $"A backup snapshots one Redis server; this connection has {servers.Count} primaries ({string.Join(", ", servers.Select(s => s.ServerType))}): back up a cluster's masters with their own tools."),
        };

        Directory.CreateDirectory(directory);
        var name = BackupName.For(now);
        var path = Path.Combine(directory, name.FileName);
        var partial = path + ".partial";
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var hashing = new HashingStream(file, sha);
                using var cipher = await BackupCipher.StartAsync(hashing, ring, cancellationToken);
                long bytes = 0;
                await RedisSnapshot.CopyAsync(server.EndPoint, connection, certificate, async (data, ct) =>
                {
                    bytes += data.Length;
                    await cipher.WriteAsync(data, ct);
                }, cancellationToken);
                await cipher.CompleteAsync(cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
                logger.LogInformation("C-8 backup {File}: a snapshot of {Bytes} bytes, encrypted with key {KeyId}", name.FileName, bytes, ring.ActiveId);
            }

            await File.WriteAllTextAsync(path + ".sha256", $"{Convert.ToHexStringLower(sha.GetHashAndReset())}  {name.FileName}\n", cancellationToken);
            File.Move(partial, path);
            return name;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    private void Prune(BackupOptions settings, Instant now)
    {
        var backups = Directory.EnumerateFiles(settings.Directory!)
            .Select(f => BackupName.Parse(Path.GetFileName(f)))
            .OfType<BackupName>();
        foreach (var old in BackupSchedule.ToDelete(backups, now, settings.KeepLast, settings.KeepDays))
        {
            var path = Path.Combine(settings.Directory!, old.FileName);
            File.Delete(path);
            File.Delete(path + ".sha256");
            logger.LogInformation("C-8 retention deleted backup {File}", old.FileName);
        }
    }

    /// <summary>Hashes what is written through it: the checksum of the file as it is on disk.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            hash.AppendData(buffer, offset, count);
            inner.Write(buffer, offset, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            hash.AppendData(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
        }
    }
}
