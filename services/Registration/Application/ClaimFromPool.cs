using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// P-12, X-2: a salesperson of the branch claims a customer from its public pool (lapsed, or left behind
/// by a leaver) and gets a new period at once, announced like a filing so that the previous owner may
/// object (P-2.3). Through the ownership gate (docs/ownership.md): every record of the same customer
/// free (P-2.5), the claimant active and of the branch (C-9), the priority window, quota and cool-down
/// (P-12, X-2) and the holding cap.
/// </summary>
public sealed class ClaimFromPool(CustomerWriter writer, Organization organization, OwnershipGate gate, PolicyClock clock)
{
    public async Task<Versioned<Customer>> ExecuteAsync(Caller caller, string customerId)
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

            var admission = await gate.AdmitAsync(OwnerChangeKind.Claim, current, claimant, customer.BranchId, await gate.ReadAsync(current));
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
}
