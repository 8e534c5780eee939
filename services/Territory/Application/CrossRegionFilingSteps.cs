using CustomerProtection.Contracts.Territory;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>What the cross-region filing use cases share: the reason's limit, and the answer or decision as one atomic step.</summary>
public static class CrossRegionFilingSteps
{
    public const int MaxReasonLength = 500;

    /// <summary>Applies an answer or a decision: the filing leaves every queue and its event is published, guarded by the version read.</summary>
    public static async Task<Versioned<CrossRegionFiling>> ChangeAsync(SalesStore store, string id, string? reason, Func<CrossRegionFiling, CrossRegionFiling> decide)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", id);
        CheckReason(violations, reason);
        RequestValidationException.ThrowIfAny(violations);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var old = await store.GetAsync<CrossRegionFiling>(SalesKeys.Filing, id) ?? throw new EntityNotFoundException("filing", id);
            var next = decide(old.Value);
            var key = DirectoryKeys.Entity(SalesKeys.Filing, id);
            var change = new AtomicChange()
                .Expect(key, old.Version)
                .Put(key, old.Version + 1, DirectoryStore.Encode(next))
                .IndexRemove(SalesKeys.FilingsDue, id)
                .IndexRemove(SalesKeys.FilingsToConfirm(next.TargetRegionId), id)
                .IndexRemove(SalesKeys.FilingsEscalated, id)
                .IndexRemove(SalesKeys.FilingsEscalatedIn(next.TargetRegionId), id)
                .Publish(new CrossRegionFilingDecided(next.Id, next.RequesterId, next.TargetRegionId, next.IdentityKey, next.Status,
                    next.DecidedBy!, next.DeciderRole!, next.DecisionReason, next.DecidedAt!.Value));
            return (await store.Directory.CommitAsync(change), new Versioned<CrossRegionFiling>(next, old.Version + 1));
        });
    }

    public static void CheckReason(List<FieldViolation> violations, string? reason)
    {
        if (reason?.Length > MaxReasonLength)
        {
            violations.Add(new("reason", $"最长 {MaxReasonLength} 字 / at most {MaxReasonLength} characters"));
        }
    }

    public static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
