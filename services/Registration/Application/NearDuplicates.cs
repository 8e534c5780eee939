using CustomerProtection.Policy.Identity;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Application;

public sealed record NearDuplicateMatch(Customer Customer, double Score, ProtectionState State);

/// <summary>
/// X-4, P-2.5: customers whose invoice titles are near-duplicates of a title (the same company
/// written differently), listed for the secretary's review; never merged automatically.
/// </summary>
public sealed class NearDuplicates(CustomerStore store, PolicyClock clock)
{
    private const int CandidatesScored = 30;

    public async Task<IReadOnlyList<NearDuplicateMatch>> FindAsync(string title, string? excludeCustomerId, int limit = 10)
    {
        var ids = await store.TitleCandidatesAsync([.. TitleSimilarity.CandidateKeys(title)], CandidatesScored);
        var candidates = await store.GetManyAsync(ids.Where(id => id != excludeCustomerId));
        return candidates
            .Select(c => (Customer: c.Value, Comparison: TitleSimilarity.Compare(title, c.Value.Title)))
            .Where(c => c.Comparison.IsNearDuplicate)
            .OrderByDescending(c => c.Comparison.Score)
            .Take(limit)
            .Select(c => new NearDuplicateMatch(c.Customer, c.Comparison.Score, clock.Evaluate(c.Customer)))
            .ToList();
    }
}
