using CustomerProtection.Policy.Identity;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using Microsoft.Extensions.Options;
using NodaTime;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// The one gate every change of owner goes through (docs/ownership.md): filing and import, approval,
/// pool claim, reallocation and award. It reads every record of the same customer (P-2.5), decides with
/// <see cref="OwnershipRules.Check"/>, and guards what the decision read in the change's own atomic step
/// — the other records' versions, the identity fields that would list a new record, the new owner's copy
/// in the organisation replica (C-9) — and counts the X-1 cap and the X-2 quota inside it. If anything
/// moved, the step writes nothing and the use case decides again on fresh data.
/// </summary>
public sealed class OwnershipGate(CustomerStore store, PolicyClock clock, IOptions<PoolOptions> pool)
{
    /// <summary>
    /// The records a filing of this identity meets (the taxpayer id's or title's own record, and the others of
    /// the same customer). Requests' titles are validated (FilingRules); a stored title that cannot be normalised
    /// (kept from before titles beside a taxpayer id were checked) is matched as written.
    /// </summary>
    public Task<IdentityRecords> ReadAsync(string identityKey, string title) =>
        store.SameCustomerAsync(identityKey, Normalized(title));

    /// <summary>The other records of the same customer as <paramref name="target"/> (taken as the caller read it).</summary>
    public Task<IdentityRecords> ReadAsync(Versioned<Customer> target) =>
        store.SameCustomerAsync(target.Value.IdentityKey, Normalized(target.Value.Title), target);

    private static string Normalized(string title) => InvoiceTitle.TryNormalize(title, out var normalized) ? normalized : title;

    /// <summary>
    /// Decides whether <paramref name="owner"/> may take <paramref name="target"/> (null: a new record) by
    /// <paramref name="kind"/>, and returns the admission that guards the decision in the step; throws the
    /// refusal (ALREADY_EXISTS naming the holder and the rule that matched, or FAILED_PRECONDITION with the rule id).
    /// </summary>
    public async Task<Admission> AdmitAsync(OwnerChangeKind kind, Versioned<Customer>? target, Person owner, string holdingBranchId, IdentityRecords identity)
    {
        var (admission, held, refusal) = await DecideAsync(kind, target, owner, holdingBranchId, identity);
        return admission ?? throw (held is not null ? HolderInfo.Of(held.Record, held.State).Taken(held.MatchedBy) : refusal!);
    }

    /// <summary>As <see cref="AdmitAsync"/>, without throwing: the admission, or the record that holds the customer, or the refusal (X-7 reports each row).</summary>
    public async Task<(Admission? Admission, SameCustomer? Held, PolicyRefusalException? Refusal)> DecideAsync(
        OwnerChangeKind kind, Versioned<Customer>? target, Person owner, string holdingBranchId, IdentityRecords identity)
    {
        var now = clock.Now;
        var today = clock.Today;
        var targetState = target is null ? null : clock.Evaluate(target.Value, now);
        var others = (identity.Primary is { } p ? identity.Others.Prepend(p) : identity.Others)
            .Where(o => o.Value.Id != target?.Value.Id)
            .Select(o => (Versioned: o, Same: new SameCustomer(o.Value, clock.Evaluate(o.Value, now), MatchOf(o.Value, identity))))
            .ToList();

        // P-12: who is behind target matters only when a leaver's customer is being taken.
        var takesFromPool = kind is OwnerChangeKind.File or OwnerChangeKind.Import or OwnerChangeKind.Claim
            && (targetState?.Status == CustomerStatus.Pool || others.Any(o => o.Same.State.Status == CustomerStatus.Pool));
        var behindTarget = takesFromPool && await store.IsBehindTargetAsync(owner.BranchId, owner.Id);
        var candidate = new Candidate(owner.Id, owner.Role, owner.Status, owner.BranchId, owner.HireDate, behindTarget);
        var parameters = clock.On(today);
        var verdict = OwnershipRules.Check(new OwnerChange(kind, target?.Value, targetState, candidate, holdingBranchId, [.. others.Select(o => o.Same)]),
            today, parameters, pool.Value);
        return verdict.Allowed
            ? (new Admission(identity, owner, verdict, [.. others.Select(o => o.Versioned)], now, today, parameters), null, null)
            : (null, verdict.Held, verdict.Refusal);
    }

    /// <summary>
    /// Readers (X-4's duplicate check, Territory's and Arbitration's owner lookups): the record that holds
    /// the customer, whichever rule matched it, else the identity's own record, else another of the same
    /// customer; with the rule that matched.
    /// </summary>
    public async Task<(Versioned<Customer> Record, ProtectionState State, string MatchedBy)?> ResolveAsync(string identityKey, string? title)
    {
        var now = clock.Now;
        var primaryTitle = title;
        if (string.IsNullOrWhiteSpace(primaryTitle))
        {
            // A taxpayer id alone: the record's own title says which title-only record it meets — unless the
            // record holds the customer itself, when by P-2.5's invariant no other record of it can.
            if ((await store.SameCustomerAsync(identityKey, "")).Primary is not { } own)
            {
                return null;
            }

            var ownState = clock.Evaluate(own.Value, now);
            if (ownState.Status is CustomerStatus.Pending or CustomerStatus.Protected)
            {
                return (own, ownState, MatchedBy.TaxpayerId);
            }

            primaryTitle = own.Value.Title;
        }

        var identity = await ReadAsync(identityKey, primaryTitle);
        var records = (identity.Primary is { } p ? identity.Others.Prepend(p) : identity.Others)
            .Select(r => (Record: r, State: clock.Evaluate(r.Value, now), MatchedBy: MatchOf(r.Value, identity)))
            .ToList();
        return records.Count == 0
            ? null
            : records.FirstOrDefault(r => r.State.Status is CustomerStatus.Pending or CustomerStatus.Protected) is { Record: not null } held ? held : records[0];
    }


    /// <summary>A record matches by taxpayer id when both it and the identity have one (equal, as the read found it); by title otherwise.</summary>
    private static string MatchOf(Customer record, IdentityRecords identity) =>
        identity.ByTaxpayerId && record.IdentityKey == identity.IdentityKey ? MatchedBy.TaxpayerId : MatchedBy.InvoiceTitle;
}

/// <summary>A change of owner the gate allowed, and what its atomic step must still find unchanged.</summary>
public sealed class Admission(IdentityRecords identity, Person owner, OwnershipVerdict verdict, IReadOnlyList<Versioned<Customer>> others,
    Instant now, LocalDate today, Policy.PolicyParameters parameters)
{
    public Policy.PolicyParameters Parameters => parameters;

    /// <summary>The records of the same customer other than the one changed (the X-2 cool-down and P-2.3 read their previous owners).</summary>
    public IReadOnlyList<Versioned<Customer>> Others => others;

    /// <summary>
    /// Adds to <paramref name="change"/> the guards of everything the decision read, the title group of a new
    /// record, and the counters:
    /// X-1 counted inside the step (two concurrent approvals at cap − 1 cannot both pass), X-2 counted and
    /// incremented inside it.
    /// </summary>
    /// <param name="next">The record as the change leaves it: a new record with a taxpayer id joins its title's group here (P-2.5).</param>
    public AtomicChange Guard(AtomicChange change, Customer next)
    {
        foreach (var other in others)
        {
            change.Expect(RegistrationKeys.Customer(other.Value.Id), other.Version);
        }

        // A new record of the same customer written meanwhile: for a taxpayer id the title-only record, for
        // a title a record with a taxpayer id joining the title's group.
        var titleBucket = RegistrationKeys.Identities(identity.TitleKey);
        if (identity.ByTaxpayerId)
        {
            change.ExpectFieldUnchanged(titleBucket, identity.TitleKey, identity.TitleOnlyId);
            if (identity.Primary is null)
            {
                // The new record: a title-only filing of its title meets it from now on.
                change.FieldAppend(titleBucket, identity.GroupField, next.Id);
            }
        }
        else
        {
            change.ExpectFieldUnchanged(titleBucket, identity.GroupField, identity.Group);
        }

        // C-9: a departure recorded meanwhile fails the step. Not needed for a filing left pending: approval
        // checks the filer again in its own step, and the leaver's release rejects what it finds pending.
        if (owner.Version > 0 && next.Status != CustomerStatus.Pending)
        {
            change.ExpectFieldUnchanged(owner.ReplicaKey, "v", owner.Version);
        }

        if (verdict.Capped)
        {
            change.ExpectBelowHoldingCap(RegistrationKeys.OwnerCustomers(owner.Id), RegistrationKeys.OwnerFormal(owner.Id),
                now.ToUnixTimeMilliseconds(), parameters.HoldingCap, parameters.HoldingCapCountsFormalCustomers);
        }

        if (verdict.PoolTaking)
        {
            // the day's pool claims, counted and incremented in the same step, so two claims cannot share the last one.
            var counter = RegistrationKeys.Claims(owner.Id, Protection.Date(today));
            change.ExpectBelowQuota(counter, parameters.PoolClaimsPerDay).Increment(counter, TimeSpan.FromDays(2));
        }

        return change;
    }
}
