using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// P-2.1/P-2.2: the branch secretary approves a pending filing — protection starts that day, the
/// filing is announced (FilingApproved, the branch's announcement list) and the objection window
/// opens — or rejects it, which frees the identity. Approval goes through the ownership gate
/// (docs/ownership.md): the filer must still be an active salesperson or dealer of the branch (C-9,
/// P-13), no other record of the same customer may be held (P-2.5), and the approval makes a protected
/// customer, so the holding cap is counted in the step.
/// </summary>
public sealed class DecideFiling(CustomerWriter writer, Organization organization, OwnershipGate gate, PolicyClock clock)
{
    public Task<Versioned<Customer>> ApproveAsync(Caller caller, string customerId) =>
        writer.UpdateAsync(customerId, async current =>
        {
            var customer = Pending(caller, current.Value);
            var ownerRead = organization.EmployeeAsync(customer.OwnerId!);
            var identityRead = gate.ReadAsync(current);
            var owner = await ownerRead ?? await organization.DealerAsync(customer.OwnerId!)
                ?? throw new PolicyRefusalException("C-9", $"备案人 {customer.OwnerId} 不在组织数据中，请驳回 / the filer {customer.OwnerId} is not in the organisation; reject the filing",
                    new Dictionary<string, string> { ["employeeId"] = customer.OwnerId! });
            var admission = await gate.AdmitAsync(OwnerChangeKind.Approve, current, owner, customer.BranchId, await identityRead);

            var now = clock.Now;
            var at = now.ToDateTimeOffset();
            var next = writer.StartProtection(customer, owner, clock.Today, now, caller.EmployeeId, announce: true);
            var change = admission.Guard(writer.Change(current, next, now,
                [new(at, Changes.Approved, CustomerStatus.Protected, customer.PreviousOwnerId, owner.Id, null, caller.EmployeeId)],
                [writer.Announcement(next, at), CustomerWriter.OwnerChange(customer.PreviousOwnerId, next, Changes.Approved, caller.EmployeeId, at)]), next);
            return (change, new Versioned<Customer>(next, current.Version + 1));
        });

    public Task<Versioned<Customer>> RejectAsync(Caller caller, string customerId, string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > FilingRules.MaxTextLength)
        {
            throw new RequestValidationException(new FieldViolation("reason", $"驳回须说明理由，最长 {FilingRules.MaxTextLength} 字 / a rejection needs a reason, at most {FilingRules.MaxTextLength} characters"));
        }

        return writer.UpdateAsync(customerId, current =>
        {
            var customer = Pending(caller, current.Value);
            var now = clock.Now;
            var next = OwnershipRules.Rejected(customer);
            var change = writer.Change(current, next, now,
                [new(now.ToDateTimeOffset(), Changes.Rejected, next.Status, customer.OwnerId, null, reason.Trim(), caller.EmployeeId)],
                [new FilingRejected(customer.Id, customer.IdentityKey, customer.FiledBy, customer.BranchId, caller.EmployeeId, now.ToDateTimeOffset())]);
            // The filer's list of refused filings keeps the rejection and its reason (ListRefusedFilings), in this step.
            var day = clock.TodayDate;
            CustomerStore.RecordRefusedFiling(change, new RefusedFiling(ViolationIds.For("P-2.1", customer.FiledBy, customer.IdentityKey, day),
                customer.FiledBy, customer.BranchId, "P-2.1", customer.IdentityKey, customer.Title, customer.Id, null, reason.Trim(), day,
                now.ToDateTimeOffset()), once: false);
            return Task.FromResult<(AtomicChange?, Versioned<Customer>)>((change, new Versioned<Customer>(next, current.Version + 1)));
        });
    }

    private static Customer Pending(Caller caller, Customer customer)
    {
        if (!RegistrationScopes.CanDecideFiling(caller, customer.BranchId))
        {
            throw new ScopeDeniedException($"只有 {customer.BranchId} 的秘书可以审批 / only the secretary of {customer.BranchId} decides its filings");
        }

        if (customer.Status != CustomerStatus.Pending)
        {
            throw new PolicyRefusalException("P-2.1", $"该备案不在待审状态（{customer.Status}）/ the filing is not pending ({customer.Status})",
                new Dictionary<string, string> { ["status"] = customer.Status });
        }

        return customer;
    }
}
