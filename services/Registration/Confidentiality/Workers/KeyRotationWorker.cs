using CustomerProtection.Registration.Confidentiality.Persistence;

namespace CustomerProtection.Registration.Confidentiality.Workers;

/// <summary>
/// Runs the C-4 key pass in the background (<see cref="KeyRotation"/>) whenever none has finished under
/// the active key — after a new key was activated, or a pass was interrupted — checking at start and
/// then every few minutes. Serving never waits for it.
/// </summary>
public sealed class KeyRotationWorker(KeyRotation rotation, LoopHealth health, ILogger<KeyRotationWorker> logger) : SupervisedLoop(health, logger)
{
    private static readonly TimeSpan Check = TimeSpan.FromMinutes(5);

    protected override string Name => "C-4 key pass";

    protected override async Task PassAsync(CancellationToken stoppingToken)
    {
        if (await rotation.IsDueAsync())
        {
            await rotation.RunPassAsync(stoppingToken);
        }

        await Task.Delay(Check, stoppingToken);
    }
}
