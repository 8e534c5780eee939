using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// P-13: the branch manager reallocates any undisputed customer of the branch to one of its
/// salespeople — the final say, so no priority window, quota, cool-down or objection window; the
/// ownership gate still requires every record of the customer free (P-2.5), the new owner active and of
/// the branch (C-9) and the holding cap.
/// </summary>
public sealed class ReallocateCustomer(CustomerWriter writer, Organization organization, OwnershipGate gate, PolicyClock clock)
{
    public async Task<Versioned<Customer>> ExecuteAsync(Caller caller, string customerId, string? toEmployeeId, string? reason)
    {
        Lookup.RequireId(customerId);
        if (string.IsNullOrWhiteSpace(toEmployeeId) || toEmployeeId.Length > 64)
        {
            throw new RequestValidationException(new FieldViolation("to_employee_id", "必填，最长 64 / required, at most 64 characters"));
        }

        if (reason?.Length > FilingRules.MaxTextLength)
        {
            throw new RequestValidationException(new FieldViolation("reason", $"最长 {FilingRules.MaxTextLength} 字 / at most {FilingRules.MaxTextLength} characters"));
        }

        var to = await organization.EmployeeAsync(toEmployeeId);
        return await writer.UpdateAsync(customerId, async current =>
        {
            var customer = current.Value;
            if (!RegistrationScopes.CanReallocate(caller, customer.BranchId))
            {
                throw new ScopeDeniedException($"只有 {customer.BranchId} 的经理可以重新分配 / only the manager of {customer.BranchId} reallocates its customers");
            }

            if (to is null)
            {
                throw new PolicyRefusalException("P-13", $"{toEmployeeId} 不是 {customer.BranchId} 在职的销售员 / {toEmployeeId} is not an active salesperson of {customer.BranchId}",
                    new Dictionary<string, string> { ["toEmployeeId"] = toEmployeeId, ["branchId"] = customer.BranchId });
            }

            if (customer.Status == CustomerStatus.Pending)
            {
                throw new PolicyRefusalException("P-2.1", "备案待审批，请先审批 / the filing is pending; decide it first", new Dictionary<string, string> { ["status"] = customer.Status });
            }

            var admission = await gate.AdmitAsync(OwnerChangeKind.Reallocate, current, to, customer.BranchId, await gate.ReadAsync(current));
            var now = clock.Now;
            var state = clock.Evaluate(customer, now);
            var from = state.OwnerOf(customer) ?? state.FreedOf(customer).PreviousOwnerId;
            var at = now.ToDateTimeOffset();
            var next = writer.StartProtection(customer, to, clock.Today, now, caller.EmployeeId, announce: false) with { PreviousOwnerId = from, CoDevelopers = null };
            var change = admission.Guard(writer.Change(current, next, now,
                [new(at, Changes.Reallocated, CustomerStatus.Protected, from, to.Id, reason?.Trim(), caller.EmployeeId)],
                [CustomerWriter.OwnerChange(from, next, Changes.Reallocated, caller.EmployeeId, at)]), next);
            return ((AtomicChange?)change, new Versioned<Customer>(next, current.Version + 1));
        });
    }
}
