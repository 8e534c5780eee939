using CustomerProtection.Arbitration.Application;

namespace CustomerProtection.Arbitration.Workers;

/// <summary>
/// Drains Arbitration's due-queue (<see cref="SettleDueWork"/>). The poll interval only bounds how
/// late a deadline is acted on; whether it has passed is always decided against the clock
/// (TimeProvider), so moving the shared clock forward acts at the next poll.
/// </summary>
public sealed class DueWorker(SettleDueWork work, IConfiguration configuration, LoopHealth health, ILogger<DueWorker> logger)
    : SupervisedLoop(health, logger)
{
    public const string PollIntervalKey = "Arbitration:DuePollInterval";

    protected override string Name => "due-queue";

    /// <summary>Redis, Registration or Territory unreachable fails the pass: the items stay due and are tried again.</summary>
    protected override async Task PassAsync(CancellationToken stoppingToken)
    {
        if (await work.RunOnceAsync(stoppingToken) is > 0 and var count)
        {
            logger.LogInformation("Arbitration due-queue: acted on {Count} deadlines", count);
        }

        await Task.Delay(configuration.GetValue(PollIntervalKey, TimeSpan.FromSeconds(1)), stoppingToken);
    }
}
