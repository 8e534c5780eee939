using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

/// <summary>The claimant withdraws their case while it is open with no resolution under way.</summary>
public sealed class WithdrawCase(ArbitrationStore store, PolicyClock clock)
{
    public async Task<Versioned<Case>> ExecuteAsync(Caller caller, string caseId, string? reason)
    {
        var (id, why) = CaseSteps.Check(caseId, reason);
        return await CaseSteps.StepAsync(store, id, @case => Task.FromResult((CaseRules.Withdraw(@case, caller, why, clock.UtcNow), Array.Empty<object>())));
    }
}
