using System.Runtime.CompilerServices;
using System.Text;
using CustomerProtection.Registration.Confidentiality.Application;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// a branch's customers as CSV, streamed page by page; confidential columns are masked for a
/// caller who may not see them in clear (C-2) — the branch's own secretary and manager and hq see
/// them, a regional role gets them masked (unless a C-3 grant clears one customer). Every row
/// exported in clear is audited (C-5); secret fields are never exported; and an export for a third
/// party is refused (C-6: confidential data never leaves in bulk).
/// </summary>
public sealed class ExportCustomers(CustomerStore store, Organization organization, PolicyClock clock, ConfidentialAccess confidential)
{
    private const int PageSize = 500;

    public async IAsyncEnumerable<byte[]> ExecuteAsync(Caller caller, string? branchId, [EnumeratorCancellation] CancellationToken cancellationToken, string? purpose = null)
    {
        if (string.IsNullOrWhiteSpace(branchId) || branchId.Length > 64)
        {
            throw new RequestValidationException(new FieldViolation("branch_id", "必填，最长 64 / required, at most 64 characters"));
        }

        if (purpose == Purposes.ThirdPartySharing)
        {
            throw new PolicyRefusalException("C-6",
                "客户信息不得批量提供给第三方；须逐个客户经同意并依合同共享 / customer data never goes to a third party in bulk: share one customer at a time, with consent and a contract",
                new Dictionary<string, string> { ["purpose"] = purpose, ["branchId"] = branchId });
        }

        var violations = new List<FieldViolation>();
        var validPurpose = ConsentRules.ValidPurpose(violations, "purpose", purpose);
        RequestValidationException.ThrowIfAny(violations);

        var region = (await organization.BranchAsync(branchId))?.RegionId;
        if (!RegistrationScopes.CanReadBranch(caller, branchId, region))
        {
            throw new ScopeDeniedException($"无权导出分公司 {branchId} 的客户 / not allowed to export the customers of {branchId}");
        }

        yield return Encoding.UTF8.GetBytes(CustomerCsv.Header());
        string? after = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var ids = await store.BranchCustomerIdsAsync(branchId, after, PageSize);
            if (ids.Count == 0)
            {
                yield break;
            }

            var customers = await store.GetManyAsync(ids);
            var disclosed = await confidential.DiscloseManyAsync(caller, customers.Select(c => c.Value).ToList(), validPurpose);
            var now = clock.Now;
            var rows = customers.Zip(disclosed, (customer, shown) =>
                new CustomerDetails(customer, clock.Evaluate(customer.Value, now), shown.Contact, shown.Masked, shown.Destroyed));
            yield return Encoding.UTF8.GetBytes(CustomerCsv.Rows(rows));
            after = ids[^1];
        }
    }
}
