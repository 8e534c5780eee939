using CustomerProtection.Storage;
using Microsoft.Extensions.Logging;

namespace CustomerProtection.Time;

/// <summary>
/// Keeps this process's <see cref="SharedClock"/> on the shared offset: pub/sub for the moment it
/// moves, and a slow poll in case a message was missed while Redis reconnected.
/// </summary>
internal sealed class SharedClockSync(SharedClock clock, SharedClockStore store, LoopHealth health, ILogger<SharedClockSync> logger)
    : SupervisedLoop(health, logger)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private bool _subscribed;

    protected override string Name => "shared clock sync";

    protected override async Task PassAsync(CancellationToken stoppingToken)
    {
        if (!_subscribed)
        {
            await store.SubscribeAsync(clock.Observe);
            _subscribed = true;
        }

        clock.Observe(await store.ReadAsync());
        await Task.Delay(PollInterval, stoppingToken);
    }
}
