using System.Runtime.CompilerServices;
using System.Text;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.ServiceDefaults.Errors;
using CustomerProtection.ServiceDefaults.Security;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// a branch's customers as CSV, streamed page by page; confidential columns are masked for a
/// caller who may not see them in clear (C-2) — the branch's own secretary and manager and hq see
/// them, a regional role gets them masked.
/// </summary>
public sealed class ExportCustomers(CustomerStore store, Organization organization, PolicyClock clock)
{
    private const int PageSize = 500;

    public async IAsyncEnumerable<byte[]> ExecuteAsync(Caller caller, string? branchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(branchId) || branchId.Length > 64)
        {
            throw new RequestValidationException(new FieldViolation("branch_id", "必填，最长 64 / required, at most 64 characters"));
        }

        var region = (await organization.BranchAsync(branchId))?.RegionId;
        if (!RegistrationScopes.CanReadBranch(caller, branchId, region))
        {
            throw new ScopeDeniedException($"无权导出分公司 {branchId} 的客户 / not allowed to export the customers of {branchId}");
        }

        yield return Encoding.UTF8.GetBytes(CustomerCsv.Header());
        string? after = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var ids = await store.IdsByValueAsync(RegistrationKeys.BranchCustomers(branchId), after, PageSize);
            if (ids.Count == 0)
            {
                yield break;
            }

            var customers = await store.GetManyAsync(ids);
            var contacts = await store.ContactsAsync(customers.Select(c => c.Value.Id).ToList());
            var now = clock.Now;
            var rows = customers.Zip(contacts, (customer, contact) =>
            {
                var (shown, masked) = ConfidentialFields.For(caller, customer.Value, contact);
                return new CustomerDetails(customer, clock.Evaluate(customer.Value, now), shown, masked);
            });
            yield return Encoding.UTF8.GetBytes(CustomerCsv.Rows(rows));
            after = ids[^1];
        }
    }
}
