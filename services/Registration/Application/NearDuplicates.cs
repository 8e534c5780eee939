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

    public async Task<IReadOnlyList<NearDuplicateMatch>> FindAsync(string title, string? excludeCustomerId, int limit = 10) =>
        await ScoreAsync(title, await CandidatesAsync(title), excludeCustomerId, limit);

    /// <summary>The customers to score for <paramref name="title"/> (one more than are scored, in case one is excluded).</summary>
    public Task<IReadOnlyList<string>> CandidatesAsync(string title) =>
        store.TitleCandidatesAsync([.. TitleSimilarity.CandidateKeys(title)], CandidatesScored + 1);

    /// <summary>The near-duplicates among the candidates, best first: only their titles are read, and only the matches whole.</summary>
    public async Task<IReadOnlyList<NearDuplicateMatch>> ScoreAsync(string title, IReadOnlyList<string> candidates, string? excludeCustomerId, int limit = 10)
    {
        var scored = (await store.TitlesAsync([.. candidates.Where(id => id != excludeCustomerId).Take(CandidatesScored)]))
            .Select(c => (c.Id, Comparison: TitleSimilarity.Compare(title, c.Title)))
            .Where(c => c.Comparison.IsNearDuplicate)
            .OrderByDescending(c => c.Comparison.Score)
            .Take(limit)
            .ToList();
        if (scored.Count == 0)
        {
            return [];
        }

        var customers = (await store.GetManyAsync(scored.Select(s => s.Id))).ToDictionary(c => c.Value.Id, c => c.Value);
        return scored
            .Where(s => customers.ContainsKey(s.Id))
            .Select(s => new NearDuplicateMatch(customers[s.Id], s.Comparison.Score, clock.Evaluate(customers[s.Id])))
            .ToList();
    }
}
