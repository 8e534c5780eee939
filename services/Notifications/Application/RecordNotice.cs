using CustomerProtection.Contracts.Organization;
using CustomerProtection.Notifications.Domain;
using CustomerProtection.Notifications.Persistence;
using CustomerProtection.Notifications.Robots;

namespace CustomerProtection.Notifications.Application;

/// <summary>
/// Turns one event's notice into its deliveries: the audience from the directory copy, one delivery per recipient
/// and channel, all written in one atomic step with the event's once-only marker (architecture.md, idempotent
/// consumers). A redelivered event finds the marker and writes nothing, so a notice reaches each person (and each of
/// the branch's team chat robots) once. The deliveries wait in the due-queue for <see cref="SendDueDeliveries"/>, which
/// resolves each mail's address when it sends (<see cref="ResolveAddressees"/>): a recipient the copy does not know
/// yet, or has no address for yet, is tried again on the retry schedule, never failed at once nor skipped.
/// </summary>
public sealed class RecordNotice(NotificationStore store, RobotBook robots, PolicyClock clock, ILogger<RecordNotice> logger)
{
    /// <summary>
    /// Runs between the step's reads and its commit: a seam for the tests that interleave another writer there
    /// deterministically (the digest choice switched while a notice is recorded). Null in the service.
    /// </summary>
    internal Func<Task>? AfterReading { get; init; }

    /// <returns>How many deliveries were recorded (0: the event was recorded before); notices held for a digest are not counted.</returns>
    public async Task<int> ApplyAsync(string eventId, Notice notice)
    {
        // A digest choice switched between the reads and the commit refuses the step (VersionMoved): decided again.
        var (result, recorded) = await OptimisticConcurrency.TryAsync(() => AttemptAsync(eventId, notice), retryOn: r => r.Failure == ChangeFailure.VersionMoved);
        if (result.Failure == ChangeFailure.AlreadyApplied)
        {
            // The marker is there: the event was recorded by an earlier delivery of it.
            logger.LogDebug("Event {EventId} was recorded before", eventId);
            return 0;
        }

        // Still moving after the attempts: the consumer fails and the broker delivers the event again.
        return result.Succeeded ? recorded : throw OptimisticConcurrency.Conflict(result);
    }

    private async Task<(ChangeResult, int)> AttemptAsync(string eventId, Notice notice)
    {
        var recipients = await ResolveAsync(notice.Audience, notice.Kind);
        var now = clock.UtcNow;
        var change = new AtomicChange()
            .ExpectNotMember(NotificationKeys.EventsRecorded, eventId)
            .SetAdd(NotificationKeys.EventsRecorded, eventId);
        // Those who chose a daily digest get a notice that allows it (not a fine, P-8, nor a decision, P-9) in their
        // next digest: held back in this same step, so the once-only marker covers it too (SendDueDigests). Decided
        // against the choice as read: each person's choice version, read before the choice, is checked at commit.
        var digesting = new HashSet<string>();
        if (notice.Digest is not null)
        {
            List<string> people = [.. recipients.Where(r => !RoleRecipients.IsRole(r.Id)).Select(r => r.Id)];
            foreach (var (person, version) in await store.DigestChoiceVersionsAsync(people))
            {
                NotificationStore.ExpectDigestChoice(change, person, version);
            }

            digesting.UnionWith(await store.DigestChosenAsync(people));
        }

        var rendered = NoticeRendering.Render(notice);
        foreach (var (recipient, name) in recipients)
        {
            if (digesting.Contains(recipient))
            {
                store.HoldForDigest(change, recipient, new DigestItem(eventId, notice.RuleId, notice.Digest!, notice.Subject), now);
                continue;
            }

            Enqueue(store, change, Mail(Delivery.IdOf(eventId, recipient, Channels.Email), eventId, notice.Kind, notice.RuleId, recipient, name, rendered, now));
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

        if (AfterReading is { } interleave)
        {
            await interleave();
        }

        return (await store.CommitAsync(change), recipients.Count - digesting.Count + chats.Count);
    }

    /// <summary>
    /// A pending mail to one recipient, its address resolved when it is sent (<see cref="ResolveAddressees"/>); the
    /// name is the copy's as recorded, for the failure list. Used for single notices and digests alike.
    /// </summary>
    internal static Delivery Mail(string id, string eventId, string kind, string ruleId, string recipientId, string name, RenderedNotice rendered, DateTimeOffset now) =>
        new(id, eventId, kind, ruleId, recipientId, name, Channels.Email, null, rendered.Subject, rendered.Text, rendered.Html, DeliveryStatuses.Pending, 0, null, now, null, null);

    /// <summary>A new delivery, written once (version 0 expected), into the due-queue.</summary>
    internal static AtomicChange Enqueue(NotificationStore store, AtomicChange change, Delivery delivery) =>
        store.PutDelivery(change.Expect(NotificationKeys.Delivery(delivery.DeliveryId), 0), delivery, 1)
            .IndexAdd(NotificationKeys.DeliveriesDue, delivery.DeliveryId, delivery.CreatedAt.ToUnixTimeMilliseconds());

    /// <summary>
    /// The audience's recipients, each once, with their name as the copy knows it: the people it names, less those who
    /// muted the kind and those the copy says have left (told nothing more); a person the copy does not know yet stays
    /// (their mail waits for the copy). A branch's manager, its secretaries, hq: their holders in the copy, or, while it
    /// knows none, the role itself, resolved when the mail is sent — a notice never loses a reader to the copy's lag.
    /// </summary>
    private async Task<IReadOnlyList<(string Id, string Name)>> ResolveAsync(Audience audience, string kind)
    {
        var ids = new List<string>(audience.Employees);
        foreach (var branchId in audience.ManagersOfBranches)
        {
            // A manager who left, or whom the copy does not know yet, holds the place for no one: the role waits for the copy.
            var manager = (await store.GetBranchAsync(branchId))?.Value.ManagerId is { Length: > 0 } id ? (await store.GetEmployeeAsync(id))?.Value : null;
            ids.Add(manager is { Status: not EmployeeStatuses.Left } ? manager.EmployeeId : RoleRecipients.ManagerOf(branchId));
        }

        foreach (var branchId in audience.SecretariesOfBranches)
        {
            ids.AddRange(OrRole(await store.MembersAsync(NotificationKeys.BranchSecretaries(branchId)), RoleRecipients.SecretariesOf(branchId)));
        }

        if (audience.Hq)
        {
            ids.AddRange(OrRole(await store.MembersAsync(NotificationKeys.Hq), RoleRecipients.Hq));
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
            .Select(id => (id, known.TryGetValue(id, out var e) ? e.Name : id))];
    }

    private static IEnumerable<string> OrRole(IReadOnlyList<string> holders, string role) => holders.Count > 0 ? holders.Order(StringComparer.Ordinal) : [role];
}
