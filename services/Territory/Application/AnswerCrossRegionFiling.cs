using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using static CustomerProtection.Territory.Application.CrossRegionFilingSteps;

namespace CustomerProtection.Territory.Application;

/// <summary>P-10: the target region's secretary confirms or refuses a cross-region filing before its deadline.</summary>
public sealed class AnswerCrossRegionFiling(SalesStore store, PolicyClock clock)
{
    public Task<Versioned<CrossRegionFiling>> ExecuteAsync(Caller caller, string id, bool confirm, string? reason) =>
        ChangeAsync(store, id, reason, filing => CrossRegionRules.Answer(filing, caller, confirm, NullIfBlank(reason), clock.UtcNow));
}
