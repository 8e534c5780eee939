using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Workers;

/// <summary>
/// Runs the C-4 key pass in the background (<see cref="KeyRotation"/>) whenever none has finished under
/// the active key — after a new key was activated, or a pass was interrupted — checking at start and
/// then every few minutes. Serving never waits for it.
/// </summary>
public sealed class KeyRotationWorker(KeyRotation rotation, ILogger<KeyRotationWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Check = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await rotation.IsDueAsync())
                {
                    await rotation.RunPassAsync(stoppingToken);
                }

                await Task.Delay(Check, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RedisException ex)
            {
                logger.LogWarning(ex, "C-4 key pass: Redis unavailable, trying again later");
                await Task.Delay(Check, stoppingToken);
            }
        }
    }
}
