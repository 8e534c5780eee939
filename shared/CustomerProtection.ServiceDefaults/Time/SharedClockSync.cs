using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CustomerProtection.ServiceDefaults.Time;

/// <summary>
/// Keeps this process's <see cref="SharedClock"/> on the shared offset: pub/sub for the moment it
/// moves, and a slow poll in case a message was missed while Redis reconnected.
/// </summary>
internal sealed class SharedClockSync(SharedClock clock, SharedClockStore store, ILogger<SharedClockSync> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.SubscribeAsync(clock.Observe);
                break;
            }
            catch (StackExchange.Redis.RedisConnectionException ex)
            {
                logger.LogWarning(ex, "Shared clock: Redis not reachable yet, retrying");
                await Task.Delay(PollInterval, stoppingToken);
            }
        }

        using var timer = new PeriodicTimer(PollInterval);
        do
        {
            try
            {
                clock.Observe(await store.ReadAsync());
            }
            catch (StackExchange.Redis.RedisException ex)
            {
                logger.LogWarning(ex, "Shared clock: could not read the offset");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
