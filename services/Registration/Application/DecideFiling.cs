using CustomerProtection.Registration.Domain;
using CustomerProtection.ServiceDefaults.Errors;
using CustomerProtection.ServiceDefaults.Security;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// P-2.1/P-2.2: the branch secretary approves a pending filing — protection starts that day, the
/// filing is announced (FilingApproved, the branch's announcement list) and the objection window
/// opens — or rejects it, which frees the identity.
/// </summary>
public sealed class DecideFiling(CustomerWriter writer, Organization organization, PolicyClock clock)
{
    public Task<Versioned<Customer>> ApproveAsync(Caller caller, string customerId) =>
        writer.UpdateAsync(customerId, async current =>
        {
            var customer = Pending(caller, current.Value);
            var owner = await organization.EmployeeAsync(customer.OwnerId!) ?? await organization.DealerAsync(customer.OwnerId!);
            if (owner is not { IsActive: true })
            {
                throw new PolicyRefusalException("P-12", $"备案人 {customer.OwnerId} 已不在职，请驳回 / the filer {customer.OwnerId} is no longer active; reject the filing",
                    new Dictionary<string, string> { ["filerId"] = customer.OwnerId! });
            }

            var now = clock.Now;
            var at = now.ToDateTimeOffset();
            var next = writer.StartProtection(customer, owner, clock.Today, now, caller.EmployeeId, announce: true);
            var change = writer.Change(current, next, now,
                [new(at, Changes.Approved, CustomerStatus.Protected, customer.PreviousOwnerId, owner.Id, null, caller.EmployeeId)],
                [writer.Announcement(next, at), CustomerWriter.OwnerChange(customer.PreviousOwnerId, next, Changes.Approved, caller.EmployeeId, at)]);
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
            var next = customer with { Status = CustomerStatus.Rejected, OwnerId = null, OwnerName = null };
            var change = writer.Change(current, next, now,
                [new(now.ToDateTimeOffset(), Changes.Rejected, CustomerStatus.Rejected, customer.OwnerId, null, reason.Trim(), caller.EmployeeId)], []);
            return Task.FromResult<(CustomerProtection.Registration.Persistence.CustomerChange?, Versioned<Customer>)>((change, new Versioned<Customer>(next, current.Version + 1)));
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
