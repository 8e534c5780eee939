using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.ServiceDefaults.Errors;
using CustomerProtection.ServiceDefaults.Security;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// Arbitration's facts about a customer: an open case marks it disputed (nobody else may transfer it
/// meanwhile: claims, reallocations and new filings wait) until the case's CaseClosed — also through
/// the awards an auction makes on the way (P-2.4(c): the winner's commitment, then the next bidder) —
/// and an ownership case names its claimant, who may record a trial (P-2.4(b)). An award (P-2.4, P-9,
/// P-13) transfers ownership — a new period for the winner from the decision day — or, for joint
/// development, adds co-developers (P-3.6). Every change is in the history. Each is idempotent:
/// the marker is per case id, and an award is applied once per case and decision time, in decision
/// order (a redelivered or overtaken award changes nothing, a later award of the same case does).
/// </summary>
public sealed class ApplyCaseDecisions(CustomerStore store, CustomerWriter writer, Organization organization, PolicyClock clock)
{
    public Task<bool> OpenedAsync(CaseOpened opened) => UpdateAsync(opened.CustomerId, current =>
    {
        var customer = current.Value;
        if (customer.OpenCaseId == opened.CaseId)
        {
            return Task.FromResult<CustomerChange?>(null);
        }

        var now = clock.Now;
        var next = customer with
        {
            OpenCaseId = opened.CaseId,
            CaseClaimantId = CaseKinds.IsOwnershipCase(opened.Kind) ? opened.ClaimantId : null,
        };
        return Task.FromResult<CustomerChange?>(writer.Change(current, next, now,
            [new(now.ToDateTimeOffset(), Changes.Disputed, customer.Status, customer.OwnerId, customer.OwnerId, opened.Kind, "arbitration", opened.CaseId)], []));
    });

    public Task<bool> ClosedAsync(CaseClosed closed) => UpdateAsync(closed.CustomerId, current =>
    {
        var customer = current.Value;
        if (customer.OpenCaseId != closed.CaseId)
        {
            return Task.FromResult<CustomerChange?>(null);
        }

        var now = clock.Now;
        var next = customer with { OpenCaseId = null, CaseClaimantId = null };
        return Task.FromResult<CustomerChange?>(writer.Change(current, next, now,
            [new(now.ToDateTimeOffset(), Changes.CaseClosed, customer.Status, customer.OwnerId, customer.OwnerId, closed.Outcome, "arbitration", closed.CaseId)], []));
    });

    public async Task<bool> AwardedAsync(OwnershipAwarded award)
    {
        if (!CustomerIds.IsWellFormed(award.CustomerId))
        {
            return false;
        }

        var decidedAt = award.DecidedAt.ToUnixTimeMilliseconds();
        var winner = await organization.EmployeeAsync(award.OwnerId) ?? await organization.DealerAsync(award.OwnerId);
        return await UpdateAsync(award.CustomerId, async current =>
        {
            // Read after the customer: an award applied in between moved its version, so this step fails and decides again.
            if (await store.AppliedAwardAsync(award.CustomerId, award.CaseId) is { } applied && applied >= decidedAt)
            {
                // This decision (a redelivery) or a later one of the case (this one overtaken) is applied already.
                return null;
            }

            var customer = current.Value;
            var now = clock.Now;
            var at = now.ToDateTimeOffset();
            var state = clock.Evaluate(customer, now);
            var from = state.OwnerOf(customer) ?? state.FreedOf(customer).PreviousOwnerId;
            var coDevelopers = award.CoDeveloperIds.Where(id => id != award.OwnerId).Distinct().ToList();
            var next = customer;
            if (from != award.OwnerId || !state.ProtectedNow)
            {
                // The winner's protection counts from the decision (P-9: the case settled who develops it).
                var owner = winner ?? new Person(award.OwnerId, award.OwnerId, Roles.Salesperson, customer.BranchId, customer.RegionId, null, "active", null);
                next = writer.StartProtection(customer, owner, Policy.PolicyTime.DateOf(NodaTime.Instant.FromDateTimeOffset(award.DecidedAt)), now, award.DecidedBy, announce: false)
                    with { PreviousOwnerId = from };
            }

            // The case stays open (and the customer disputed) until its CaseClosed: an auction's winner
            // may still miss the commitment and lose the customer to the next bidder.
            next = next with
            {
                CoDevelopers = award.Resolution == Resolutions.JointDevelopment
                    ? [.. (next.CoDevelopers ?? []).Concat(coDevelopers).Distinct()]
                    : coDevelopers.Count > 0 ? coDevelopers : null,
            };
            if (next.CoDevelopers is { Count: 0 })
            {
                next = next with { CoDevelopers = null };
            }

            return writer.Change(current, next, now,
                    [new(at, Changes.Awarded, next.Status, from, next.OwnerId, $"{award.Resolution}: {award.Reason}", award.DecidedBy, award.CaseId)],
                    [CustomerWriter.OwnerChange(from, next, $"{Changes.Awarded}:{award.Resolution}", award.DecidedBy, at)])
                .SetField(RegistrationKeys.Customer(customer.Id), RegistrationKeys.AwardField(award.CaseId), decidedAt);
        });
    }

    /// <returns>False when the customer is unknown or nothing had to change (a redelivery).</returns>
    private async Task<bool> UpdateAsync(string customerId, Func<Versioned<Customer>, Task<CustomerChange?>> decide)
    {
        if (!CustomerIds.IsWellFormed(customerId))
        {
            return false;
        }

        try
        {
            return await writer.UpdateAsync(customerId, async current =>
            {
                var change = await decide(current);
                return (change, change is not null);
            });
        }
        catch (EntityNotFoundException)
        {
            return false;
        }
    }
}
