using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Storage;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// The branch's public pool (P-12, X-2, P-13): lapsed customers and those a leaver left behind.
/// A salesperson of the branch claims one and gets a new period at once, announced like a filing so
/// that the previous owner may object (P-2.3). The branch manager reallocates any undisputed customer of
/// the branch to one of its salespeople: the final say, so no priority window, quota or cool-down, and no
/// objection window (P-13). Both go through the ownership gate (docs/ownership.md): every record of the
/// same customer must be free (P-2.5), the new owner active and of the branch (C-9), the priority window,
/// quota and cool-down hold for a claim (P-12, X-2), the holding cap for both.
/// </summary>
public sealed class Pool(CustomerStore store, CustomerWriter writer, Organization organization, OwnershipGate gate, PolicyClock clock)
{
    public async Task<Versioned<Customer>> ClaimAsync(Caller caller, string customerId)
    {
        Lookup.RequireId(customerId);
        if (caller.Role != Roles.Salesperson)
        {
            throw new ScopeDeniedException("只有销售员可以从公海领取 / only salespeople claim from the pool");
        }

        var claimant = await organization.FilerAsync(caller);
        return await writer.UpdateAsync(customerId, async current =>
        {
            var customer = current.Value;
            if (customer.BranchId != claimant.BranchId)
            {
                throw new ScopeDeniedException($"只能领取本分公司公海的客户（{customer.BranchId}）/ you claim from your own branch's pool only ({customer.BranchId})");
            }

            var now = clock.Now;
            var state = clock.Evaluate(customer, now);
            if (state.Status is not (CustomerStatus.Lapsed or CustomerStatus.Pool))
            {
                throw state.Status is CustomerStatus.Protected or CustomerStatus.Pending
                    ? HolderInfo.Of(customer, state).Taken()
                    : new PolicyRefusalException("P-12", "客户不在公海 / the customer is not in the pool", new Dictionary<string, string> { ["status"] = state.Status });
            }

            var admission = await gate.AdmitAsync(OwnerChangeKind.Claim, current, claimant, customer.BranchId, await gate.ReadAsync(customer));
            var today = clock.Today;
            var previousOwner = state.FreedOf(customer).PreviousOwnerId;
            var at = now.ToDateTimeOffset();
            var next = writer.StartProtection(customer, claimant, today, now, claimant.Id, announce: true) with { PreviousOwnerId = previousOwner, CoDevelopers = null };
            var change = admission.Guard(writer.Change(current, next, now,
                [new(at, Changes.Claimed, CustomerStatus.Protected, previousOwner, claimant.Id, null, claimant.Id)],
                [writer.Announcement(next, at), CustomerWriter.OwnerChange(previousOwner, next, Changes.Claimed, claimant.Id, at)]), next);
            return ((AtomicChange?)change, new Versioned<Customer>(next, current.Version + 1));
        });
    }

    public async Task<Versioned<Customer>> ReallocateAsync(Caller caller, string customerId, string? toEmployeeId, string? reason)
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

            var admission = await gate.AdmitAsync(OwnerChangeKind.Reallocate, current, to, customer.BranchId, await gate.ReadAsync(customer));
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

    /// <summary>P-12: the branch manager marks the salespeople behind their targets; the pool serves them first.</summary>
    public async Task<bool> SetBehindTargetAsync(Caller caller, string? employeeId, bool behindTarget)
    {
        if (string.IsNullOrWhiteSpace(employeeId) || employeeId.Length > 64)
        {
            throw new RequestValidationException(new FieldViolation("employee_id", "必填，最长 64 / required, at most 64 characters"));
        }

        var employee = await organization.EmployeeAsync(employeeId) ?? throw new EntityNotFoundException("employee", employeeId);
        if (!RegistrationScopes.CanReallocate(caller, employee.BranchId))
        {
            throw new ScopeDeniedException($"只有 {employee.BranchId} 的经理可以设置 / only the manager of {employee.BranchId} sets this");
        }

        var key = RegistrationKeys.BehindTarget(employee.BranchId);
        _ = behindTarget ? await store.Db.SetAddAsync(key, employee.Id) : await store.Db.SetRemoveAsync(key, employee.Id);
        return behindTarget;
    }
}
