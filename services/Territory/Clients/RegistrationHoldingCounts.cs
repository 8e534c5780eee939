using CustomerProtection.Registration.V1;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;

namespace CustomerProtection.Territory.Clients;

/// <summary>
/// X-1 holdings from Registration's <c>Ownership/CountHoldings</c>: one call per branch of the pool (a
/// regional pool spans branches), answered from the per-owner indexes Registration keeps in the same
/// atomic steps as its customers. Pending filings count, as they do toward the cap; formal customers
/// only when the X-1 parameter says so. Called on the caller's behalf like every call to Registration.
/// </summary>
public sealed class RegistrationHoldingCounts(Ownership.OwnershipClient client, RegistrationCalls calls) : IHoldingCounts
{
    public async Task<IReadOnlyDictionary<string, int>> CountAsync(IReadOnlyCollection<Employee> salespeople, bool countFormalCustomers, CancellationToken cancellationToken)
    {
        var branches = await Task.WhenAll(salespeople.GroupBy(e => e.BranchId ?? "").Select(async branch =>
        {
            var request = new CountHoldingsRequest { BranchId = branch.Key };
            request.EmployeeIds.Add(branch.Select(e => e.Id));
            return await calls.CallAsync(ct => client.CountHoldingsAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken);
        }));
        return branches.SelectMany(b => b.Holdings).ToDictionary(
            h => h.EmployeeId,
            h => countFormalCustomers ? h.PendingOrProtected : h.PendingOrProtected - h.Formal);
    }
}
