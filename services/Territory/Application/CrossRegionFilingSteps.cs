using CustomerProtection.Contracts.Territory;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>What the cross-region filing use cases share: the reason's limit, and the answer or decision as one atomic step.</summary>
public static class CrossRegionFilingSteps
{
    public const int MaxReasonLength = 500;

    /// <summary>
    /// Records an answer or a decision: the filing moves to the queues of those it still waits for
    /// and its event is published (the decider's own yes/no and the filing's status after it), guarded
    /// by the version read.
    /// </summary>
    public static async Task<Versioned<CrossRegionFiling>> ChangeAsync(SalesStore store, string id, string? reason, Func<CrossRegionFiling, CrossRegionFiling> decide)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", id);
        CheckReason(violations, reason);
        RequestValidationException.ThrowIfAny(violations);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var old = await store.GetAsync<CrossRegionFiling>(SalesKeys.Filing, id) ?? throw new EntityNotFoundException("cross_region_request", id);
            var next = decide(old.Value);
            var made = NewDecision(old.Value, next);
            var key = DirectoryKeys.Entity(SalesKeys.Filing, id);
            var change = new AtomicChange()
                .Expect(key, old.Version)
                .Put(key, old.Version + 1, DirectoryStore.Encode(next))
                .Publish(new CrossRegionFilingDecided(next.Id, next.RequesterId, next.TargetRegionId, next.IdentityKey, next.Status,
                    made.DecidedBy, made.DeciderRole, made.Reason, made.DecidedAt, made.Approve));
            return (await store.Directory.CommitAsync(Queues(change, next)), new Versioned<CrossRegionFiling>(next, old.Version + 1));
        });
    }

    /// <summary>
    /// Puts the filing in the queue of each decider it waits for and takes it out of the others:
    /// the secretary's while pending, hq's to approve once confirmed, and once escalated hq's and the
    /// target regional manager's until each has decided (P-4.1, P-10). A pending filing keeps its
    /// due-queue entry and the secretary's queue: the escalation worker moves it from there.
    /// </summary>
    public static AtomicChange Queues(AtomicChange change, CrossRegionFiling filing)
    {
        var id = filing.Id;
        if (filing.Status != FilingStatuses.Pending)
        {
            change.IndexRemove(SalesKeys.FilingsDue, id).IndexRemove(SalesKeys.FilingsToConfirm(filing.TargetRegionId), id);
        }

        Member(change, SalesKeys.FilingsToApprove, id, filing.Status == FilingStatuses.Confirmed, filing.SecretaryAnswer?.DecidedAt);
        var escalated = filing.Status == FilingStatuses.Escalated;
        Member(change, SalesKeys.FilingsEscalated, id, escalated && filing.HqDecision is null, filing.EscalatedAt);
        Member(change, SalesKeys.FilingsEscalatedIn(filing.TargetRegionId), id, escalated && filing.ManagerDecision is null, filing.EscalatedAt);
        return change;
    }

    private static void Member(AtomicChange change, StackExchange.Redis.RedisKey queue, string id, bool member, DateTimeOffset? since)
    {
        if (member)
        {
            change.IndexAdd(queue, id, since!.Value.ToUnixTimeMilliseconds());
        }
        else
        {
            change.IndexRemove(queue, id);
        }
    }

    /// <summary>The answer or decision <paramref name="next"/> records that <paramref name="old"/> did not have.</summary>
    private static FilingDecision NewDecision(CrossRegionFiling old, CrossRegionFiling next) =>
        old.SecretaryAnswer is null && next.SecretaryAnswer is { } answer ? answer
        : old.HqDecision is null && next.HqDecision is { } hq ? hq
        : next.ManagerDecision!;

    public static void CheckReason(List<FieldViolation> violations, string? reason)
    {
        if (reason?.Length > MaxReasonLength)
        {
            violations.Add(new("reason", $"最长 {MaxReasonLength} 字 / at most {MaxReasonLength} characters"));
        }
    }

    public static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
