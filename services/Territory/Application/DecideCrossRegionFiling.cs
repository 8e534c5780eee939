using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using static CustomerProtection.Territory.Application.CrossRegionFilingSteps;

namespace CustomerProtection.Territory.Application;

/// <summary>P-4.1, P-10: hq approves or refuses a filing the secretary confirmed; once escalated, hq and the target regional manager each decide.</summary>
public sealed class DecideCrossRegionFiling(SalesStore store, PolicyClock clock)
{
    public Task<Versioned<CrossRegionFiling>> ExecuteAsync(Caller caller, string id, bool approve, string? reason) =>
        ChangeAsync(store, id, reason, filing => CrossRegionRules.Decide(filing, caller, approve, NullIfBlank(reason), clock.UtcNow));
}
