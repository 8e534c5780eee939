using StackExchange.Redis;

namespace CustomerProtection.Registration.Backup;

/// <summary>
/// Runs the C-8 schedule (<see cref="TakeScheduledBackup"/>): every few seconds the replica holding the
/// backup lease asks whether a scheduled instant has passed on the business clock (so a test moves the
/// clock instead of waiting). The lease outlasts a pass; should a backup outlast the lease, another
/// replica may take the same slot once more — a second file, which retention removes.
/// </summary>
public sealed class BackupWorker(TakeScheduledBackup backup, IConnectionMultiplexer redis, LoopHealth health, ILogger<BackupWorker> logger)
    : SupervisedLoop(health, logger)
{
    private static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    private readonly RedisLease _lease = new(redis, TakeScheduledBackup.LeaseKey, LeaseTime);

    protected override string Name => "C-8 backup";

    protected override async Task PassAsync(CancellationToken stoppingToken)
    {
        if (await _lease.HoldAsync())
        {
            await backup.RunIfDueAsync(stoppingToken);
        }

        await Task.Delay(Poll, stoppingToken);
    }
}
