using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

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
/// An award that gives the customer a new owner goes through the ownership gate (docs/ownership.md);
/// one it refuses is recorded and reported back (OwnershipAwardRefused), never applied.
/// </summary>
public sealed class ApplyCaseDecisions(CustomerStore store, CustomerWriter writer, Organization organization, OwnershipGate gate, PolicyClock clock)
{
    public Task<bool> OpenedAsync(CaseOpened opened) => UpdateAsync(opened.CustomerId, async current =>
    {
        // Read after the customer: a close applied in between moved its version, so the step decides again.
        var customer = current.Value;
        var openedAt = AsStored(opened.OpenedAt);
        if ((customer.OpenCaseId == opened.CaseId && customer.CaseOpenedAt >= openedAt)
            || await store.CaseClosedAtAsync(customer.Id, opened.CaseId) >= openedAt.ToUnixTimeMilliseconds())
        {
            // Applied already, or an opening the case's close has overtaken (Arbitration reopens a case later).
            return null;
        }

        var now = clock.Now;
        var next = customer with
        {
            OpenCaseId = opened.CaseId,
            CaseOpenedAt = openedAt,
            CaseClaimantId = CaseKinds.IsOwnershipCase(opened.Kind) ? opened.ClaimantId : null,
        };
        return writer.Change(current, next, now,
            [new(now.ToDateTimeOffset(), Changes.Disputed, customer.Status, customer.OwnerId, customer.OwnerId, opened.Kind, "arbitration", opened.CaseId)], []);
    });

    public Task<bool> ClosedAsync(CaseClosed closed) => UpdateAsync(closed.CustomerId, async current =>
    {
        var customer = current.Value;
        var key = RegistrationKeys.Customer(customer.Id);
        var closedAt = closed.ClosedAt.ToUnixTimeMilliseconds();
        if (await store.CaseClosedAtAsync(customer.Id, closed.CaseId) >= closedAt)
        {
            return null; // A redelivery.
        }

        if (customer.OpenCaseId != closed.CaseId || AsStored(closed.ClosedAt) < customer.CaseOpenedAt)
        {
            // Another case is open, or this close overtook its own opening, or ended an earlier opening of this
            // case (Arbitration reopens a case whose award the gate refused): remembered, so that opening marks nothing.
            return new AtomicChange().Expect(key, current.Version).SetField(key, RegistrationKeys.CaseClosedField(closed.CaseId), closedAt);
        }

        var now = clock.Now;
        var next = customer with { OpenCaseId = null, CaseClaimantId = null, CaseOpenedAt = null };
        return writer.Change(current, next, now,
                [new(now.ToDateTimeOffset(), Changes.CaseClosed, customer.Status, customer.OwnerId, customer.OwnerId, closed.Outcome, "arbitration", closed.CaseId)], [])
            .SetField(key, RegistrationKeys.CaseClosedField(closed.CaseId), closedAt);
    });

    public async Task<bool> AwardedAsync(OwnershipAwarded award)
    {
        if (!CustomerIds.IsWellFormed(award.CustomerId))
        {
            return false;
        }

        var decidedAt = award.DecidedAt.ToUnixTimeMilliseconds();
        var winner = await organization.EmployeeAsync(award.OwnerId) ?? await organization.DealerAsync(award.OwnerId);
        try
        {
            return await UpdateAsync(award.CustomerId, async current =>
                await AppliedAsync(award, decidedAt) ? null : (AtomicChange?)await ApplyAsync(current, award, winner));
        }
        catch (PolicyRefusalException refusal)
        {
            // The ownership gate refused it (before the step, or the X-1 count inside it): recorded, never applied.
            return await UpdateAsync(award.CustomerId, async current =>
                await AppliedAsync(award, decidedAt) ? null : (AtomicChange?)Refused(current, award, refusal, clock.Now));
        }
    }

    /// <summary>
    /// This decision (a redelivery) or a later one of the case (this one overtaken) is applied already. Read
    /// after the customer: an award applied in between moved its version, so the step fails and decides again.
    /// </summary>
    private async Task<bool> AppliedAsync(OwnershipAwarded award, long decidedAt) =>
        await store.AppliedAwardAsync(award.CustomerId, award.CaseId) is { } applied && applied >= decidedAt;

    private async Task<AtomicChange> ApplyAsync(Versioned<Customer> current, OwnershipAwarded award, Person? winner)
    {
        var customer = current.Value;
        var now = clock.Now;
        var at = now.ToDateTimeOffset();
        var state = clock.Evaluate(customer, now);
        var from = state.OwnerOf(customer) ?? state.FreedOf(customer).PreviousOwnerId;
        var coDevelopers = award.CoDeveloperIds.Where(id => id != award.OwnerId).Distinct().ToList();
        var next = customer;
        Admission? admission = null;
        if (from != award.OwnerId || !state.ProtectedNow)
        {
            // The ownership gate holds for an award too: the winner must still be employed (C-9) and under
            // the cap, and no other record of the same customer held (P-2.5).
            var owner = winner ?? throw new PolicyRefusalException("C-9",
                $"{award.OwnerId} 不在组织数据中，不能成为归属人 / {award.OwnerId} is not in the organisation and cannot own a customer",
                new Dictionary<string, string> { ["employeeId"] = award.OwnerId });
            admission = await gate.AdmitAsync(OwnerChangeKind.Award, current, owner, owner.BranchId, await gate.ReadAsync(current));

            // The winner's protection counts from the decision (P-9: the case settled who develops it).
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

        var change = writer.Change(current, next, now,
                [new(at, Changes.Awarded, next.Status, from, next.OwnerId, $"{award.Resolution}: {award.Reason}", award.DecidedBy, award.CaseId)],
                [CustomerWriter.OwnerChange(from, next, $"{Changes.Awarded}:{award.Resolution}", award.DecidedBy, at)])
            .SetField(RegistrationKeys.Customer(customer.Id), RegistrationKeys.AwardField(award.CaseId), award.DecidedAt.ToUnixTimeMilliseconds());
        return admission is null ? change : admission.Guard(change, next);
    }

    /// <summary>
    /// The gate refused the award: the customer stays as it is, the refusal is in its history and
    /// goes back to Arbitration (OwnershipAwardRefused), once per decision like an applied award.
    /// </summary>
    private AtomicChange Refused(Versioned<Customer> current, OwnershipAwarded award, PolicyRefusalException refusal, NodaTime.Instant now)
    {
        var at = now.ToDateTimeOffset();
        var customer = current.Value;
        return writer.Change(current, customer, now,
                [new(at, Changes.AwardRefused, customer.Status, customer.OwnerId, customer.OwnerId, $"[{refusal.RuleId}] {award.OwnerId}: {refusal.Message}", "system", award.CaseId)],
                [new OwnershipAwardRefused(award.CaseId, customer.Id, award.OwnerId, refusal.RuleId, refusal.Message, refusal.Metadata, award.DecidedAt, at)])
            .SetField(RegistrationKeys.Customer(customer.Id), RegistrationKeys.AwardField(award.CaseId), award.DecidedAt.ToUnixTimeMilliseconds());
    }

    /// <returns>False when the customer is unknown or nothing had to change (a redelivery).</returns>
    private async Task<bool> UpdateAsync(string customerId, Func<Versioned<Customer>, Task<AtomicChange?>> decide)
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

    /// <summary>
    /// An instant at the precision the customer keeps it (milliseconds). Compared at the event's full precision,
    /// a redelivered opening looked newer than the stored one and was applied twice (the fault tests found it).
    /// </summary>
    private static DateTimeOffset AsStored(DateTimeOffset instant) => DateTimeOffset.FromUnixTimeMilliseconds(instant.ToUnixTimeMilliseconds());
}
