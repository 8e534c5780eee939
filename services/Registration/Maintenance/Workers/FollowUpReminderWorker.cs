using CustomerProtection.Registration.Maintenance.Application;
using CustomerProtection.Registration.Maintenance.Persistence;

namespace CustomerProtection.Registration.Maintenance.Workers;

/// <summary>
/// Drains M-1's follow-up due-queue (<see cref="MaintenanceStore.FollowUps"/>) as Registration's
/// <see cref="Registration.Workers.DueQueueWorker"/> drains its own: entries due now are claimed with a
/// lease of a minute and handed to <see cref="FollowUpReminders"/>, which judges the deadline again and
/// re-arms or removes the entry in the customer's version guard; a failure leaves the entry to be claimed
/// again when its lease ends. "Now" is the shared business clock.
/// </summary>
public sealed class FollowUpReminderWorker(MaintenanceStore store, FollowUpReminders handler, PolicyClock clock, LoopHealth health, ILogger<FollowUpReminderWorker> logger)
    : SupervisedLoop(health, logger)
{
    private const int BatchSize = 256;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(500);

    protected override string Name => "follow-up-reminders";

    private bool _earlierArmed;

    protected override async Task PassAsync(CancellationToken stoppingToken)
    {
        if (!_earlierArmed)
        {
            logger.LogInformation("M-1: {Customers} customer(s) owned before the follow-up queue existed armed", await handler.ArmEarlierCustomersAsync());
            _earlierArmed = true;
        }

        var taken = await TakeAsync();
        foreach (var id in taken)
        {
            try
            {
                await handler.HandleAsync(id);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One customer's failure must not stop the queue: it is taken again when its lease ends.
                logger.LogWarning(ex, "Follow-up reminder for customer {CustomerId} failed; it is retried when its lease ends", id);
            }
        }

        if (taken.Count < BatchSize)
        {
            await Task.Delay(IdlePoll, stoppingToken);
        }
    }

    /// <summary>The entries due now, leased to this replica.</summary>
    public async Task<IReadOnlyList<string>> TakeAsync() =>
        (await store.FollowUps.ClaimAsync(clock.UtcNow, BatchSize, Lease)).Select(c => c.Member).ToList();
}
