using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Workers;

/// <summary>
/// Drains the due-queue (<see cref="CustomerStore.Due"/>): claims the entries whose instant has come,
/// each with a lease of a minute (<see cref="DueQueue"/>), and hands them to <see cref="ProcessDue"/>,
/// which re-checks the deadline and removes or re-arms the entry in the customer's own step with a
/// version guard; a failure or a crash leaves the entry to be claimed again when the lease runs out.
/// "Now" is the shared business clock, so moving the clock in a test makes deadlines due at once.
/// </summary>
public sealed class DueQueueWorker(CustomerStore store, ProcessDue handler, PolicyClock clock, LoopHealth health, ILogger<DueQueueWorker> logger)
    : SupervisedLoop(health, logger)
{
    private const int BatchSize = 512;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(500);
    private const int Parallelism = 64;

    protected override string Name => "due-queue";

    protected override async Task PassAsync(CancellationToken stoppingToken)
    {
        var taken = await TakeAsync();
        if (taken.Count > 0)
        {
            await Parallel.ForEachAsync(taken, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = stoppingToken },
                async (id, _) =>
                {
                    try
                    {
                        await handler.HandleAsync(id);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // One customer's failure must not stop the queue: it is taken again when its lease ends.
                        logger.LogWarning(ex, "Due work for customer {CustomerId} failed; it is retried when its lease ends", id);
                    }
                });
        }

        if (taken.Count < BatchSize)
        {
            await Task.Delay(IdlePoll, stoppingToken);
        }
    }

    /// <summary>The entries due now, leased to this replica.</summary>
    public async Task<IReadOnlyList<string>> TakeAsync() =>
        (await store.Due.ClaimAsync(clock.UtcNow, BatchSize, Lease)).Select(c => c.Member).ToList();
}
