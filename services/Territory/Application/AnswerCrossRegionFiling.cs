using System.Globalization;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Storage;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using StackExchange.Redis;
using static CustomerProtection.Territory.Application.CrossRegionFilingSteps;

namespace CustomerProtection.Territory.Application;

/// <summary>P-10: the target region's secretary confirms or refuses a cross-region filing before its deadline.</summary>
public sealed class AnswerCrossRegionFiling(SalesStore store, TimeProvider time)
{
    /// <summary>P-10: the target region's secretary confirms or refuses before the deadline.</summary>
    public Task<Versioned<CrossRegionFiling>> ExecuteAsync(Caller caller, string id, bool confirm, string? reason) =>
        ChangeAsync(store, id, reason, filing => CrossRegionRules.Answer(filing, caller, confirm, NullIfBlank(reason), time.GetUtcNow()));
}
