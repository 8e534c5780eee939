using CustomerProtection.Contracts.Territory;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <param name="RequestId">Optional idempotency key of the caller: a retry with it answers the first agreement.</param>
public sealed record ServiceSupportInput(string? RequestId, CustomerRef Customer, string DeveloperId, string SupportingBranchId, string Fee, Google.Type.Date? ValidFrom, Google.Type.Date? ValidUntil, string? Terms);

/// <summary>
/// P-4.3: records a service-support agreement — the sale's credit stays with the salesperson who
/// developed the customer; the local branch that serves the customer is paid for support (hq, or the
/// manager of the supporting branch's region or of the branch itself). The server makes the id (<see cref="ServerIds"/>,
/// <c>SS-</c>); the same request_id again is answered with the first agreement.
/// </summary>
public sealed class RecordServiceSupport(SalesStore store, PolicyClock clock)
{
    public const int MaxTermsLength = 1000;

    public async Task<ServiceSupportAgreement> ExecuteAsync(Caller caller, ServiceSupportInput input)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "request_id", input.RequestId, required: false);
        DirectoryRules.CheckId(violations, "developer_id", input.DeveloperId);
        DirectoryRules.CheckId(violations, "supporting_branch_id", input.SupportingBranchId);
        var customer = Customers.Resolve(violations, "", input.Customer);
        if (customer.IdentityKey is null && customer.TaxpayerId is null && customer.InvoiceTitle is null && customer.CustomerId is not null)
        {
            violations.Add(new("customer", "请给出开票资料（taxpayer_id 或 invoice_title）/ give the invoice identity (taxpayer_id or invoice_title)"));
        }

        var fee = Money.Parse(violations, "fee", input.Fee);
        var from = Dates.Parse(violations, "valid_from", input.ValidFrom, required: true);
        var until = Dates.Parse(violations, "valid_until", input.ValidUntil);
        if (from is { } f && until is { } u && u < f)
        {
            violations.Add(new("valid_until", "不能早于 valid_from / must not be before valid_from"));
        }

        if (input.Terms?.Length > MaxTermsLength)
        {
            violations.Add(new("terms", $"最长 {MaxTermsLength} 字 / at most {MaxTermsLength} characters"));
        }

        RequestValidationException.ThrowIfAny(violations);

        var branch = await store.Directory.GetBranchAsync(input.SupportingBranchId)
            ?? throw new RequestValidationException(new FieldViolation("supporting_branch_id", $"分公司 {input.SupportingBranchId} 不存在 / branch {input.SupportingBranchId} does not exist"));
        var mayRecord = caller.IsHq
            || (caller.Role == Roles.RegionalManager && caller.RegionId == branch.Value.RegionId)
            || (caller.Role == Roles.BranchManager && caller.BranchId == branch.Value.Id);
        if (!mayRecord)
        {
            throw new ScopeDeniedException($"无权为分公司 {branch.Value.Id} 登记服务支持协议 / not allowed to record support agreements for branch {branch.Value.Id}");
        }

        if (await store.Directory.GetEmployeeAsync(input.DeveloperId) is null)
        {
            throw new RequestValidationException(new FieldViolation("developer_id", $"员工 {input.DeveloperId} 不存在 / employee {input.DeveloperId} does not exist"));
        }

        var agreement = new ServiceSupportAgreement(ServerIds.New("SS-", caller.EmployeeId, input.RequestId), customer.IdentityKey!, input.DeveloperId, branch.Value.Id, fee!.Value, from!.Value, until,
            string.IsNullOrWhiteSpace(input.Terms) ? null : input.Terms.Trim(), caller.EmployeeId, clock.UtcNow);
        var key = DirectoryKeys.Entity(SalesKeys.Support, agreement.Id);
        var change = new AtomicChange()
            .Expect(key, 0)
            .Put(key, 1, store.Directory.Sealed.Encode(SalesKeys.Support, agreement.Id, agreement))
            .IndexAdd(SalesKeys.SupportOfBranch(agreement.SupportingBranchId), agreement.Id, agreement.ValidFrom.DayNumber)
            .IndexAdd(SalesKeys.SupportOfDeveloper(agreement.DeveloperId), agreement.Id, agreement.ValidFrom.DayNumber)
            .Publish(new ServiceSupportAgreed(agreement.Id, agreement.IdentityKey, agreement.DeveloperId, agreement.SupportingBranchId, agreement.Fee,
                agreement.ValidFrom, agreement.ValidUntil, agreement.RecordedBy, agreement.RecordedAt));
        if (!(await store.Directory.CommitAsync(change)).Succeeded)
        {
            // The same request_id again (the id is made from it and the caller): the first agreement, unless the key
            // was reused for another one.
            var existing = (await store.GetAsync<ServiceSupportAgreement>(SalesKeys.Support, agreement.Id))!.Value;
            return existing with { RecordedAt = agreement.RecordedAt } == agreement ? existing : throw ServerIds.ReusedRequestId(existing.Id);
        }

        return agreement;
    }
}
