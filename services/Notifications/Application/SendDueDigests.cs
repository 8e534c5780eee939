using CustomerProtection.Contracts.Organization;
using CustomerProtection.Notifications.Domain;
using CustomerProtection.Notifications.Persistence;

namespace CustomerProtection.Notifications.Application;

/// <summary>
/// The daily digests: at the digest hour each person who chose one (<see cref="NoticePreferences.SetDigestAsync"/>)
/// comes due in the digests' due-queue; the claimer (a lease: one replica at a time) turns the notices held back for
/// them into one mail — a delivery like any other, sent, retried and recorded by <see cref="SendDueDeliveries"/> —
/// and moves their entry to the next day, in one atomic step. The digest's delivery id is per person and day
/// (<c>digest-&lt;day&gt;:&lt;employee&gt;:email</c>) and is written only where none exists, so a second claim of the
/// same day (another replica after the lease ran out, the loop running twice) writes nothing: once per person and day.
/// A day with nothing held back sends nothing.
/// </summary>
public sealed class SendDueDigests(NotificationStore store, DigestSchedule schedule, PolicyClock clock, ILogger<SendDueDigests> logger)
{
    private const int BatchSize = 50;

    /// <summary>Longer than building one digest takes, so a lease never ends under a digest being built.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <returns>How many digests were written (each then waits in the deliveries' due-queue).</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var claims = await store.Digests.ClaimAsync(clock.UtcNow, BatchSize, Lease);
        var written = 0;
        foreach (var claim in claims)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await DigestAsync(claim.Member))
            {
                written++;
            }
        }

        return written;
    }

    /// <summary>
    /// Runs between the step's reads and its commit: a seam for the tests that interleave another writer there
    /// deterministically (the digest switched back on meanwhile). Null in the service.
    /// </summary>
    internal Func<Task>? AfterReading { get; init; }

    /// <summary>
    /// Another claimer's digest of today, or the person's digest choice switched, between the reads and the commit
    /// refuses the step (VersionMoved): decided again on what is there now, so a step that read "off" never takes
    /// out of the due-queue one who has just switched the digest back on (their notices would be held for good).
    /// </summary>
    private async Task<bool> DigestAsync(string employeeId)
    {
        var (result, written) = await OptimisticConcurrency.TryAsync(() => AttemptAsync(employeeId), retryOn: r => r.Failure == ChangeFailure.VersionMoved);
        if (!result.Succeeded)
        {
            // Still moving after the attempts: the entry stays leased and comes due again when the lease ends.
            logger.LogWarning("Digest of {EmployeeId} not settled ({Failure} on {Key}): tried again after its lease", employeeId, result.Failure, result.Key);
        }

        return result.Succeeded && written;
    }

    private async Task<(ChangeResult, bool)> AttemptAsync(string employeeId)
    {
        var now = clock.UtcNow;
        var day = clock.TodayDate;
        var digestId = $"digest-{Dates.Iso(day)}";
        var id = Delivery.IdOf(digestId, employeeId, Channels.Email);
        // The choice (its version first) before what is held: a notice is held only under the choice "on" at an
        // unchanged version (RecordNotice), so one read as "off" here was held before, and is among what is read next.
        var choice = await store.DigestChoiceVersionAsync(employeeId);
        var change = NotificationStore.ExpectDigestChoice(new AtomicChange(), employeeId, choice);
        var chosen = await store.ChoseDigestAsync(employeeId);
        var held = await store.HeldForDigestAsync(employeeId);
        var employee = (await store.GetEmployeeAsync(employeeId))?.Value;
        var left = employee?.Status == EmployeeStatuses.Left;

        // Nothing held: no mail today. Today's digest already written (a second claim): what came since waits for tomorrow's.
        var write = held.Count > 0 && !left && await store.GetDeliveryAsync(id) is null;
        if (write)
        {
            var rendered = NoticeRendering.RenderDigest(day, [.. held.Select(h => h.Item)]);
            RecordNotice.Enqueue(store, change, RecordNotice.Mail(id, digestId, NoticeKinds.DailyDigest, "", employeeId, employee?.Name ?? employeeId, rendered, now));
        }

        if (write || left)
        {
            // Digested, or its reader has left (told nothing more): what was held goes, in the digest's own step.
            foreach (var (member, _) in held)
            {
                change.IndexRemove(NotificationKeys.DigestItems(employeeId), member);
            }
        }

        // Due again at the next digest hour while they still choose it or something is still held for them.
        var stillHeld = held.Count > 0 && !write && !left;
        if (!left && (stillHeld || chosen))
        {
            change.IndexAdd(NotificationKeys.DigestsDue, employeeId, schedule.NextAfter(now).ToUnixTimeMilliseconds());
        }
        else
        {
            change.IndexRemove(NotificationKeys.DigestsDue, employeeId);
        }

        if (AfterReading is { } interleave)
        {
            await interleave();
        }

        var result = await store.CommitAsync(change);
        if (result.Succeeded && write)
        {
            logger.LogInformation("Digest {DeliveryId}: {Count} notices", id, held.Count);
        }

        return (result, write);
    }
}
