using CustomerProtection.Registration.V1;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;

namespace CustomerProtection.Territory.Clients;

/// <summary>
/// X-1 holdings from Registration's <c>Customers/ListCustomers</c> by owner, counted here (Registration
/// has no count RPC): customers protected now, prospects only unless formal customers count. Called on
/// the caller's behalf like every call to Registration.
/// </summary>
public sealed class RegistrationHoldingCounts(CustomerProtection.Registration.V1.Customers.CustomersClient client, RegistrationCalls calls) : IHoldingCounts
{
    private const int PageSize = 200;

    public async Task<IReadOnlyDictionary<string, int>> CountAsync(IReadOnlyCollection<string> employeeIds, bool countFormalCustomers, CancellationToken cancellationToken)
    {
        var counts = await Task.WhenAll(employeeIds.Select(async id => (id, await CountOneAsync(id, countFormalCustomers, cancellationToken))));
        return counts.ToDictionary(c => c.id, c => c.Item2);
    }

    private async Task<int> CountOneAsync(string ownerId, bool countFormalCustomers, CancellationToken cancellationToken)
    {
        var count = 0;
        var token = "";
        do
        {
            var request = new ListCustomersRequest { OwnerId = ownerId, PageSize = PageSize, PageToken = token };
            var page = await calls.CallAsync(ct => client.ListCustomersAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken);
            count += page.Customers.Count(c => c.Status == OwnershipStatuses.Protected && (countFormalCustomers || c.Stage != "formal"));
            token = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));

        return count;
    }
}
