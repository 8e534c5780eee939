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

    private async Task<bool> DigestAsync(string employeeId)
    {
        var now = clock.UtcNow;
        var day = clock.TodayDate;
        var digestId = $"digest-{Dates.Iso(day)}";
        var id = Delivery.IdOf(digestId, employeeId, Channels.Email);
        var held = await store.HeldForDigestAsync(employeeId);
        var employee = (await store.GetEmployeeAsync(employeeId))?.Value;
        var left = employee?.Status == EmployeeStatuses.Left;
        var change = new AtomicChange();

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
        if (!left && (stillHeld || await store.ChoseDigestAsync(employeeId)))
        {
            change.IndexAdd(NotificationKeys.DigestsDue, employeeId, schedule.NextAfter(now).ToUnixTimeMilliseconds());
        }
        else
        {
            change.IndexRemove(NotificationKeys.DigestsDue, employeeId);
        }

        var result = await store.CommitAsync(change);
        if (!result.Succeeded)
        {
            // Today's digest was written meanwhile by another claimer: its step moved the entry on; this one writes nothing.
            logger.LogDebug("Digest {DeliveryId} was written by another claimer ({Failure})", id, result.Failure);
            return false;
        }

        if (write)
        {
            logger.LogInformation("Digest {DeliveryId}: {Count} notices", id, held.Count);
        }

        return write;
    }
}
