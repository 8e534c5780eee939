using CustomerProtection.Notifications.Email;
using CustomerProtection.Notifications.Domain;
using CustomerProtection.Notifications.Persistence;
using CustomerProtection.Notifications.Robots;

namespace CustomerProtection.Notifications.Application;

/// <summary>
/// Drains the deliveries' due-queue: each due delivery is claimed with a lease (so two replicas never send
/// it at once, and a crashed sender's come due again), its mail's addressees resolved from the directory copy
/// (<see cref="ResolveAddressees"/>), sent, and settled in one atomic step guarded by its version — sent; or,
/// after a failed attempt (the relay refused, or the copy does not know the recipient or their address yet), due
/// again after the <see cref="RetrySchedule"/>'s backoff; or, after the last attempt, failed for good with the
/// reason and listed to hq; or withdrawn, unsent, when its recipient has left (C-9). Nothing is dropped: an SMTP
/// outage or a lagging copy only delays.
/// </summary>
public sealed class SendDueDeliveries(NotificationStore store, ResolveAddressees addressees, EmailSender email, RobotSender robots, RetrySchedule retry,
    PolicyClock clock, ILogger<SendDueDeliveries> logger)
{
    private const int BatchSize = 50;

    /// <summary>Longer than a send may take (the SMTP timeout), so a lease never ends under a send in flight.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <returns>How many deliveries were attempted.</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var claims = await store.Due.ClaimAsync(clock.UtcNow, BatchSize, Lease);
        foreach (var claim in claims)
        {
            await AttemptAsync(claim.Member, cancellationToken);
        }

        return claims.Count;
    }

    private async Task AttemptAsync(string deliveryId, CancellationToken cancellationToken)
    {
        var current = await store.GetDeliveryAsync(deliveryId);
        if (current is not { Value.Status: DeliveryStatuses.Pending })
        {
            await store.Due.RemoveAsync(deliveryId); // settled meanwhile: nothing is due for it any more
            return;
        }

        var delivery = current.Value;
        IReadOnlyList<Mailbox> to = [];
        string? error = null;
        if (delivery.Channel == Channels.Email)
        {
            var found = await addressees.ResolveAsync(delivery);
            if (found.Withdrawn is { } reason)
            {
                logger.LogInformation("Delivery {DeliveryId} withdrawn: {Reason}", deliveryId, reason);
                await store.CommitAsync(store.PutDelivery(new AtomicChange().Expect(NotificationKeys.Delivery(deliveryId), current.Version),
                        delivery with { Status = DeliveryStatuses.Withdrawn, LastError = reason }, current.Version + 1)
                    .IndexRemove(NotificationKeys.DeliveriesDue, deliveryId));
                return;
            }

            (to, error) = (found.To, found.NotYet);
            if (to.Count > 0)
            {
                // Where this attempt went, for the failure list.
                delivery = delivery with { RecipientName = string.Join(", ", to.Select(m => m.Name)), Address = string.Join(", ", to.Select(m => m.Address)) };
            }
        }

        if (error is null)
        {
            try
            {
                await (delivery.Channel == Channels.Email
                    ? email.SendAsync(delivery, to, cancellationToken)
                    : robots.SendAsync(delivery, cancellationToken));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                error = $"{ex.GetType().Name}: {ex.Message}";
            }
        }

        if (error is not null)
        {
            logger.LogWarning("Delivery {DeliveryId} attempt {Attempt} failed: {Error}", deliveryId, delivery.Attempts + 1, error);
        }

        var now = clock.UtcNow;
        var attempted = delivery with { Attempts = delivery.Attempts + 1, LastError = error ?? delivery.LastError };
        var change = new AtomicChange().Expect(NotificationKeys.Delivery(deliveryId), current.Version);
        if (error is null)
        {
            store.PutDelivery(change, attempted with { Status = DeliveryStatuses.Sent, SentAt = now }, current.Version + 1)
                .IndexRemove(NotificationKeys.DeliveriesDue, deliveryId);
        }
        else if (retry.DelayAfter(attempted.Attempts) is { } delay)
        {
            store.PutDelivery(change, attempted, current.Version + 1)
                .IndexAdd(NotificationKeys.DeliveriesDue, deliveryId, (now + delay).ToUnixTimeMilliseconds());
        }
        else
        {
            logger.LogError("Delivery {DeliveryId} failed for good after {Attempts} attempts: {Error}", deliveryId, attempted.Attempts, error);
            store.PutDelivery(change, attempted with { Status = DeliveryStatuses.Failed, FailedAt = now }, current.Version + 1)
                .IndexRemove(NotificationKeys.DeliveriesDue, deliveryId)
                .IndexAdd(NotificationKeys.DeliveriesFailed, deliveryId, now.ToUnixTimeMilliseconds());
        }

        // VersionMoved: another replica settled this delivery after its lease ran out; its outcome stands.
        await store.CommitAsync(change);
    }
}
