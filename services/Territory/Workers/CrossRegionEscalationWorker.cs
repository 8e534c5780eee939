using CustomerProtection.Territory.Application;
using StackExchange.Redis;

namespace CustomerProtection.Territory.Workers;

/// <summary>
/// Drains the P-10 due queue. The poll interval only bounds how late an escalation is announced;
/// whether a filing is overdue is always decided against the clock (TimeProvider), so moving the
/// shared clock forward escalates at the next poll.
/// </summary>
public sealed class CrossRegionEscalationWorker(EscalateOverdueFilings escalate, IConfiguration configuration, ILogger<CrossRegionEscalationWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Territory:EscalationPollInterval", TimeSpan.FromSeconds(1));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await escalate.RunOnceAsync() is > 0 and var count)
                {
                    logger.LogInformation("P-10: escalated {Count} cross-region filings", count);
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning(ex, "P-10 escalation: Redis not reachable, retrying");
            }

            await Task.Delay(interval, stoppingToken);
        }
    }
}
