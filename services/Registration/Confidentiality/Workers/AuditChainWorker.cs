using CustomerProtection.Registration.Confidentiality.Audit;
using CustomerProtection.ServiceDefaults.Storage;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Workers;

/// <summary>
/// Chains the audit log's pending entries (C-5) as they arrive: woken by appends in this replica,
/// polling for the others'. One replica at a time holds the lease (the chain's compare-and-set makes
/// a second one harmless, the lease makes it rare). The chain's head is logged now and then, so a
/// copy of it lives outside Redis: a wholesale rewrite of the log would not match it.
/// </summary>
public sealed class AuditChainWorker(AuditLog audit, IConnectionMultiplexer redis, TimeProvider time, ILogger<AuditChainWorker> logger) : BackgroundService
{
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan AnchorEvery = TimeSpan.FromMinutes(5);

    private readonly RedisLease _lease = new(redis, AuditLog.LeaseKey, LeaseTime);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var anchored = DateTimeOffset.MinValue;
        RedisValue lastHead = default;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var chained = await _lease.HoldAsync() ? await audit.ChainPendingAsync() : 0;
                if (time.GetUtcNow() - anchored > AnchorEvery)
                {
                    var head = await redis.GetDatabase().StringGetAsync(AuditLog.HeadKey);
                    if (head != lastHead)
                    {
                        logger.LogInformation("C-5 audit chain head (sequence|hash|id): {Head}", (string?)head);
                        lastHead = head;
                    }

                    anchored = time.GetUtcNow();
                }

                if (chained == 0)
                {
                    await audit.Signal.WaitAsync(Poll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RedisException ex)
            {
                logger.LogWarning(ex, "Audit chain: Redis unavailable, retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }
}
