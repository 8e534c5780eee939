using CustomerProtection.Contracts.Territory;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using static CustomerProtection.Territory.Application.CrossRegionFilingSteps;

namespace CustomerProtection.Territory.Application;

public sealed record CrossRegionFilingInput(string Id, string TargetRegionId, CustomerRef Customer, string? Reason);

/// <summary>
/// P-4.1, P-4.4, P-10: a salesperson submits a cross-region filing. It enters the target region's
/// queue with its deadline, and its event is published, in one atomic step; the same request again is
/// answered with what was filed.
/// </summary>
public sealed class SubmitCrossRegionFiling(SalesStore store, PolicyClock clock)
{
    public async Task<Versioned<CrossRegionFiling>> ExecuteAsync(Caller caller, CrossRegionFilingInput input)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", input.Id);
        DirectoryRules.CheckId(violations, "target_region_id", input.TargetRegionId);
        var customer = Customers.Resolve(violations, "", input.Customer);
        if (customer.IdentityKey is null && customer.CustomerId is not null && customer.TaxpayerId is null && customer.InvoiceTitle is null)
        {
            violations.Add(new("customer", "请给出开票资料（taxpayer_id 或 invoice_title）/ give the invoice identity (taxpayer_id or invoice_title)"));
        }

        CheckReason(violations, input.Reason);
        RequestValidationException.ThrowIfAny(violations);
        if (caller.Role is not (Roles.Salesperson or Roles.BranchManager) || caller.RegionId is null)
        {
            throw new ScopeDeniedException("跨区域备案由本区域的销售员提出 / cross-region filings are submitted by salespeople of a region");
        }

        if (caller.RegionId == input.TargetRegionId)
        {
            throw new RequestValidationException(new FieldViolation("target_region_id", "目标大区就是本大区，无需跨区域备案 / the target region is the caller's own: no cross-region filing is needed"));
        }

        if (await store.Directory.GetRegionAsync(input.TargetRegionId) is null)
        {
            throw new RequestValidationException(new FieldViolation("target_region_id", $"大区 {input.TargetRegionId} 不存在 / region {input.TargetRegionId} does not exist"));
        }

        var now = clock.UtcNow;
        var filing = new CrossRegionFiling(input.Id, caller.EmployeeId, caller.BranchId, caller.RegionId, input.TargetRegionId, customer.IdentityKey!,
            customer.InvoiceTitle ?? "", customer.TaxpayerId, NullIfBlank(input.Reason), now, CrossRegionRules.Deadline(clock.Book, now),
            FilingStatuses.Pending, null, null, null, null, null);
        var key = DirectoryKeys.Entity(SalesKeys.Filing, filing.Id);
        var submitted = filing.SubmittedAt.ToUnixTimeMilliseconds();
        var change = new AtomicChange()
            .Expect(key, 0)
            .Put(key, 1, DirectoryStore.Encode(filing))
            .IndexAdd(SalesKeys.FilingCover(filing.RequesterId, filing.TargetRegionId, filing.IdentityKey), filing.Id, submitted)
            .IndexAdd(SalesKeys.FilingsDue, filing.Id, filing.Deadline.ToUnixTimeMilliseconds())
            .IndexAdd(SalesKeys.FilingsToConfirm(filing.TargetRegionId), filing.Id, submitted)
            .IndexAdd(SalesKeys.FilingsOfRequester(filing.RequesterId), filing.Id, submitted)
            .Publish(new CrossRegionFilingSubmitted(filing.Id, filing.RequesterId, filing.RequesterBranchId, filing.RequesterRegionId, filing.TargetRegionId,
                filing.IdentityKey, filing.InvoiceTitle, filing.SubmittedAt, filing.Deadline));
        if ((await store.Directory.CommitAsync(change)).Succeeded)
        {
            return new Versioned<CrossRegionFiling>(filing, 1);
        }

        // The same id again: the same request is answered with what was filed, another one refused.
        var existing = (await store.GetAsync<CrossRegionFiling>(SalesKeys.Filing, input.Id))!;
        var e = existing.Value;
        if (e.RequesterId != filing.RequesterId || e.TargetRegionId != filing.TargetRegionId || e.IdentityKey != filing.IdentityKey)
        {
            throw new PolicyRefusalException("ALREADY_EXISTS", $"备案 {input.Id} 已存在 / filing {input.Id} already exists",
                new Dictionary<string, string> { ["id"] = input.Id }, RefusalCode.AlreadyExists);
        }

        return existing;
    }
}
