using CustomerProtection.Contracts.Territory;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using static CustomerProtection.Territory.Application.CrossRegionFilingSteps;

namespace CustomerProtection.Territory.Application;

/// <param name="RequestId">Optional idempotency key of the caller: a retry with it answers the first request.</param>
public sealed record CrossRegionFilingInput(string? RequestId, string TargetRegionId, CustomerRef Customer, string? Reason);

/// <summary>
/// P-4.1, P-4.4, P-10: a salesperson makes a cross-region request. It enters the target region's
/// queue with its deadline, and its event is published, in one atomic step. The server makes the id
/// (docs/api.md); the same request_id again is answered with what was requested.
/// </summary>
public sealed class SubmitCrossRegionFiling(SalesStore store, PolicyClock clock)
{
    public async Task<Versioned<CrossRegionFiling>> ExecuteAsync(Caller caller, CrossRegionFilingInput input)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "request_id", input.RequestId, required: false);
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
            throw new ScopeDeniedException("跨区域销售申请由本区域的销售员提出 / cross-region requests are made by salespeople of a region");
        }

        if (caller.RegionId == input.TargetRegionId)
        {
            throw new RequestValidationException(new FieldViolation("target_region_id", "目标大区就是本大区，无需跨区域销售申请 / the target region is the caller's own: no cross-region request is needed"));
        }

        if (await store.Directory.GetRegionAsync(input.TargetRegionId) is null)
        {
            throw new RequestValidationException(new FieldViolation("target_region_id", $"大区 {input.TargetRegionId} 不存在 / region {input.TargetRegionId} does not exist"));
        }

        var now = clock.UtcNow;
        var filing = new CrossRegionFiling(ServerIds.New("XR-", caller.EmployeeId, input.RequestId), caller.EmployeeId, caller.BranchId, caller.RegionId, input.TargetRegionId, customer.IdentityKey!,
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

        // The same request_id again (the id is made from it): the same request is answered with what was
        // requested; the key reused for another customer or region is the caller's mistake.
        var existing = (await store.GetAsync<CrossRegionFiling>(SalesKeys.Filing, filing.Id))!;
        var e = existing.Value;
        if (e.TargetRegionId != filing.TargetRegionId || e.IdentityKey != filing.IdentityKey)
        {
            throw ServerIds.ReusedRequestId(e.Id);
        }

        return existing;
    }
}
