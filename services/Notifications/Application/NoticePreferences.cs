using CustomerProtection.Notifications.Domain;
using CustomerProtection.Notifications.Persistence;

namespace CustomerProtection.Notifications.Application;

/// <summary>
/// The caller's own notice preferences: muting a kind of notice, never a fine (P-8) or a decision (P-9) addressed to
/// them; one daily digest instead of single mails (the kinds that allow it: <see cref="Notice.Digest"/>).
/// </summary>
public sealed class NoticePreferences(NotificationStore store, DigestSchedule schedule, PolicyClock clock)
{
    public Task<bool> DigestAsync(Caller caller) => store.ChoseDigestAsync(caller.EmployeeId);

    /// <summary>
    /// On: the caller's digest comes due at the next digest hour (SendDueDigests). Off: single mails from now on; the
    /// entry stays, so what was already held back still comes in the next digest, and then it ends. Either moves the
    /// choice's version in the same step, so a notice recorded (or a digest written) against the choice read before
    /// is refused and decided again (RecordNotice, SendDueDigests): nothing is held for one who no longer digests.
    /// </summary>
    public Task SetDigestAsync(Caller caller, bool daily) =>
        OptimisticConcurrency.RetryAsync(async () =>
        {
            var version = await store.DigestChoiceVersionAsync(caller.EmployeeId);
            var change = NotificationStore.ExpectDigestChoice(new AtomicChange(), caller.EmployeeId, version)
                .Set(NotificationKeys.DigestChoice(caller.EmployeeId), version + 1);
            if (daily)
            {
                change.SetAdd(NotificationKeys.DigestChosen, caller.EmployeeId)
                    .IndexAdd(NotificationKeys.DigestsDue, caller.EmployeeId, schedule.NextAfter(clock.UtcNow).ToUnixTimeMilliseconds());
            }
            else
            {
                change.SetRemove(NotificationKeys.DigestChosen, caller.EmployeeId);
            }

            return (await store.CommitAsync(change), true);
        });

    public async Task<IReadOnlyList<string>> GetAsync(Caller caller) =>
        [.. (await store.MembersAsync(NotificationKeys.Muted(caller.EmployeeId))).Order(StringComparer.Ordinal)];

    public async Task<IReadOnlyList<string>> MuteAsync(Caller caller, string kind)
    {
        CheckKind(kind);
        if (NoticeKinds.NeverMuted.TryGetValue(kind, out var rule))
        {
            throw new PolicyRefusalException(rule, $"{rule}：不能屏蔽发给本人的{(rule == "P-8" ? "罚款" : "裁决")}通知 / {rule}: a {(rule == "P-8" ? "fine" : "decision")} addressed to you cannot be muted",
                new Dictionary<string, string> { ["kind"] = kind });
        }

        await store.CommitAsync(new AtomicChange().SetAdd(NotificationKeys.Muted(caller.EmployeeId), kind));
        return await GetAsync(caller);
    }

    public async Task<IReadOnlyList<string>> UnmuteAsync(Caller caller, string kind)
    {
        CheckKind(kind);
        await store.CommitAsync(new AtomicChange().SetRemove(NotificationKeys.Muted(caller.EmployeeId), kind));
        return await GetAsync(caller);
    }

    private static void CheckKind(string kind)
    {
        if (!NoticeKinds.All.Contains(kind))
        {
            throw new RequestValidationException(new FieldViolation("kind", $"须为 {string.Join(", ", NoticeKinds.All)} 之一 / must be one of {string.Join(", ", NoticeKinds.All)}"));
        }
    }
}
