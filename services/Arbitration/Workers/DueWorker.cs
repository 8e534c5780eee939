using CustomerProtection.Arbitration.Application;
using Grpc.Core;
using StackExchange.Redis;

namespace CustomerProtection.Arbitration.Workers;

/// <summary>
/// Drains Arbitration's due-queue (<see cref="SettleDueWork"/>). The poll interval only bounds how
/// late a deadline is acted on; whether it has passed is always decided against the clock
/// (TimeProvider), so moving the shared clock forward acts at the next poll.
/// </summary>
public sealed class DueWorker(SettleDueWork work, IConfiguration configuration, ILogger<DueWorker> logger) : BackgroundService
{
    public const string PollIntervalKey = "Arbitration:DuePollInterval";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue(PollIntervalKey, TimeSpan.FromSeconds(1));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await work.RunOnceAsync(stoppingToken) is > 0 and var count)
                {
                    logger.LogInformation("Arbitration due-queue: acted on {Count} deadlines", count);
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or RpcException or HttpRequestException)
            {
                // Redis, Registration or Territory not reachable: the items stay due and are tried again.
                logger.LogWarning(ex, "Arbitration due-queue: a dependency is not reachable, retrying");
            }

            await Task.Delay(interval, stoppingToken);
        }
    }
}
