using CustomerProtection.Contracts.Organization;
using CustomerProtection.Notifications.Domain;
using CustomerProtection.Notifications.Persistence;
using CustomerProtection.Notifications.Robots;

namespace CustomerProtection.Notifications.Application;

/// <summary>
/// Turns one event's notice into its deliveries: the audience resolved from the directory copy, one
/// delivery per recipient and channel, all written in one atomic step with the event's once-only marker
/// (architecture.md, idempotent consumers). A redelivered event finds the marker and writes nothing, so
/// a notice reaches each person (and each of the branch's team chat robots) once. The deliveries wait in the due-queue for <see cref="SendDueDeliveries"/>;
/// a recipient the copy has no address for is recorded as failed at once (listed to hq), never skipped.
/// </summary>
public sealed class RecordNotice(NotificationStore store, RobotBook robots, PolicyClock clock, ILogger<RecordNotice> logger)
{
    public const string NoAddress = "目录中没有该员工的电子邮件地址 / the directory has no e-mail address for this employee";
    public const string NotInDirectory = "目录副本中没有该员工 / the employee is not in the directory copy";

    /// <returns>How many deliveries were recorded (0: the event was recorded before); notices held for a digest are not counted.</returns>
    public async Task<int> ApplyAsync(string eventId, Notice notice)
    {
        var recipients = await ResolveAsync(notice.Audience, notice.Kind);
        var now = clock.UtcNow;
        var change = new AtomicChange()
            .ExpectNotMember(NotificationKeys.EventsRecorded, eventId)
            .SetAdd(NotificationKeys.EventsRecorded, eventId);
        // Those who chose a daily digest get a notice that allows it (not a fine, P-8, nor a decision, P-9) in their
        // next digest: held back in this same step, so the once-only marker covers it too (SendDueDigests).
        var digesting = notice.Digest is null
            ? new HashSet<string>()
            : await store.DigestChosenAsync([.. recipients.Where(r => r.Email is { Length: > 0 }).Select(r => r.EmployeeId)]);
        foreach (var recipient in recipients)
        {
            if (digesting.Contains(recipient.EmployeeId))
            {
                store.HoldForDigest(change, recipient.EmployeeId, new DigestItem(eventId, notice.RuleId, notice.Digest!, notice.Subject), now);
                continue;
            }

            var id = Delivery.IdOf(eventId, recipient.EmployeeId, Channels.Email);
            Enqueue(store, change, EmailDelivery(id, eventId, notice.Kind, notice.RuleId, recipient, NoticeRendering.Render(notice, recipient), now));
        }

        var chats = notice.BranchChat is { } branch ? robots.OfBranch(branch).ToList() : [];
        if (chats.Count > 0)
        {
            var chat = NoticeRendering.RenderForChat(notice);
            foreach (var robot in chats)
            {
                var recipient = Channels.RobotRecipient(robot.Name);
                var id = Delivery.IdOf(eventId, recipient, robot.Platform);
                var delivery = new Delivery(id, eventId, notice.Kind, notice.RuleId, recipient, robot.Name, robot.Platform, null,
                    chat.Subject, chat.Text, chat.Html, DeliveryStatuses.Pending, 0, null, now, null, null);
                Enqueue(store, change, delivery);
            }
        }

        var result = await store.CommitAsync(change);
        if (!result.Succeeded)
        {
            // The marker (or a delivery of this event) is there: the event was recorded by an earlier delivery of it.
            logger.LogDebug("Event {EventId} was recorded before ({Failure})", eventId, result.Failure);
            return 0;
        }

        return recipients.Count - digesting.Count + chats.Count;
    }

    /// <summary>
    /// A mail to one person: pending, or failed at once when the copy has no address for them (listed to hq, never
    /// skipped). Used for single notices and digests alike.
    /// </summary>
    internal static Delivery EmailDelivery(string id, string eventId, string kind, string ruleId, Recipient recipient, RenderedNotice rendered, DateTimeOffset now)
    {
        var problem = recipient.Email is { Length: > 0 } ? null : !recipient.InDirectory ? NotInDirectory : NoAddress;
        return new Delivery(id, eventId, kind, ruleId, recipient.EmployeeId, recipient.Name, Channels.Email, recipient.Email,
            rendered.Subject, rendered.Text, rendered.Html, problem is null ? DeliveryStatuses.Pending : DeliveryStatuses.Failed, 0, problem, now,
            null, problem is null ? null : now);
    }

    /// <summary>A new delivery, written once (version 0 expected), into the due-queue or, failed at once, the failure list.</summary>
    internal static AtomicChange Enqueue(NotificationStore store, AtomicChange change, Delivery delivery) =>
        store.PutDelivery(change.Expect(NotificationKeys.Delivery(delivery.DeliveryId), 0), delivery, 1)
            .IndexAdd(delivery.Status == DeliveryStatuses.Failed ? NotificationKeys.DeliveriesFailed : NotificationKeys.DeliveriesDue,
                delivery.DeliveryId, delivery.CreatedAt.ToUnixTimeMilliseconds());

    /// <summary>The audience's people, each once, less those who muted the kind; those who have left are no longer told anything.</summary>
    private async Task<IReadOnlyList<Recipient>> ResolveAsync(Audience audience, string kind)
    {
        var ids = new List<string>(audience.Employees);
        foreach (var branchId in audience.ManagersOfBranches)
        {
            if ((await store.GetBranchAsync(branchId))?.Value.ManagerId is { Length: > 0 } manager)
            {
                ids.Add(manager);
            }
        }

        foreach (var branchId in audience.SecretariesOfBranches)
        {
            ids.AddRange((await store.MembersAsync(NotificationKeys.BranchSecretaries(branchId))).Order(StringComparer.Ordinal));
        }

        if (audience.Hq)
        {
            ids.AddRange((await store.MembersAsync(NotificationKeys.Hq)).Order(StringComparer.Ordinal));
        }

        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        // Those who muted this kind chose not to hear it (a fine or a decision cannot be muted: NoticePreferences).
        if (!NoticeKinds.NeverMuted.ContainsKey(kind))
        {
            var muted = await store.MutedAsync(distinct, kind);
            distinct.RemoveAll(muted.Contains);
        }

        var known = (await store.GetEmployeesAsync(distinct)).ToDictionary(e => e.EmployeeId, StringComparer.Ordinal);
        return [.. distinct
            .Where(id => !known.TryGetValue(id, out var e) || e.Status != EmployeeStatuses.Left)
            .Select(id => known.TryGetValue(id, out var e) ? new Recipient(id, e.Name, e.Email) : new Recipient(id, id, null, InDirectory: false))];
    }
}
