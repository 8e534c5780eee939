using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Workers;

/// <summary>
/// Chains the audit log's pending entries (C-5) as they arrive: woken by appends in this replica,
/// polling for the others'. One replica at a time holds the lease (the chain's compare-and-set makes
/// a second one harmless, the lease makes it rare). The chain's head is logged now and then, so a
/// copy of it lives outside Redis: a wholesale rewrite of the log would not match it.
/// </summary>
public sealed class AuditChainWorker(AuditLog audit, IConnectionMultiplexer redis, TimeProvider time, LoopHealth health, ILogger<AuditChainWorker> logger)
    : SupervisedLoop(health, logger)
{
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan AnchorEvery = TimeSpan.FromMinutes(5);

    private readonly RedisLease _lease = new(redis, AuditKeys.LeaseKey, LeaseTime);
    private DateTimeOffset _anchored = DateTimeOffset.MinValue;
    private RedisValue _lastHead;

    protected override string Name => "C-5 audit chain";

    protected override async Task PassAsync(CancellationToken stoppingToken)
    {
        var chained = await _lease.HoldAsync() ? await audit.ChainPendingAsync() : 0;
        if (time.GetUtcNow() - _anchored > AnchorEvery)
        {
            var head = await redis.GetDatabase().StringGetAsync(AuditKeys.HeadKey);
            if (head != _lastHead)
            {
                logger.LogInformation("C-5 audit chain head (sequence|hash|id): {Head}", (string?)head);
                _lastHead = head;
            }

            _anchored = time.GetUtcNow();
        }

        if (chained == 0)
        {
            await audit.Signal.WaitAsync(Poll, stoppingToken);
        }
    }
}
