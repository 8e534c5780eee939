using CustomerProtection.Territory.Application;

namespace CustomerProtection.Territory.Workers;

/// <summary>
/// Drains the P-10 due queue. The poll interval only bounds how late an escalation is announced;
/// whether a filing is overdue is always decided against the clock (TimeProvider), so moving the
/// shared clock forward escalates at the next poll.
/// </summary>
public sealed class CrossRegionEscalationWorker(EscalateOverdueFilings escalate, IConfiguration configuration, LoopHealth health, ILogger<CrossRegionEscalationWorker> logger)
    : SupervisedLoop(health, logger)
{
    protected override string Name => "P-10 escalation";

    protected override async Task PassAsync(CancellationToken stoppingToken)
    {
        if (await escalate.RunOnceAsync() is > 0 and var count)
        {
            logger.LogInformation("P-10: escalated {Count} cross-region requests", count);
        }

        await Task.Delay(configuration.GetValue("Territory:EscalationPollInterval", TimeSpan.FromSeconds(1)), stoppingToken);
    }
}
