using CustomerProtection.Notifications.Application;

namespace CustomerProtection.Notifications.Workers;

/// <summary>
/// Writes the digests due (<see cref="SendDueDigests"/>), then drains the deliveries' due-queue (<see cref="SendDueDeliveries"/>),
/// so a digest goes out in the pass that wrote it. The poll interval only bounds how soon a
/// notice or a retry goes out; when a retry is due is decided against the clock (TimeProvider), so moving the
/// shared clock forward brings retries due at the next poll.
/// </summary>
public sealed class DeliveryWorker(SendDueDigests digests, SendDueDeliveries send, IConfiguration configuration, LoopHealth health, ILogger<DeliveryWorker> logger)
    : SupervisedLoop(health, logger)
{
    public const string PollIntervalKey = "Notifications:PollInterval";

    protected override string Name => "deliveries";

    /// <summary>Redis unreachable fails the pass: the deliveries stay due and are tried again.</summary>
    protected override async Task PassAsync(CancellationToken stoppingToken)
    {
        if (await digests.RunOnceAsync(stoppingToken) is > 0 and var written)
        {
            logger.LogInformation("Notifications: wrote {Count} daily digests", written);
        }

        if (await send.RunOnceAsync(stoppingToken) is > 0 and var count)
        {
            logger.LogInformation("Notifications: attempted {Count} deliveries", count);
        }

        await Task.Delay(configuration.GetValue(PollIntervalKey, TimeSpan.FromSeconds(1)), stoppingToken);
    }
}
