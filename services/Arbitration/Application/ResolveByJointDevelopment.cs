using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

/// <summary>P-2.4 (a), chosen by the branch manager of the customer's branch or hq (P-13): the owner stays, the claimant joins the co-developers; the case closes.</summary>
public sealed class ResolveByJointDevelopment(ArbitrationStore store, IRegistrationReader registration, PolicyClock clock)
{
    public async Task<Versioned<Case>> ExecuteAsync(Caller caller, string caseId, string? reason, CancellationToken cancellationToken)
    {
        var (id, why) = CaseSteps.Check(caseId, reason);
        return await CaseSteps.StepAsync(store, id, async @case =>
        {
            // P-3.6: the co-developers as Registration has them now; the claimant joins them.
            var customer = await registration.GetCustomerAsync(@case.CustomerId, cancellationToken);
            return (CaseRules.JointDevelopment(@case, caller, customer?.CoDeveloperIds ?? @case.CoDeveloperIds, why, clock.UtcNow), []);
        });
    }
}
