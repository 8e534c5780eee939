using CustomerProtection.Registration.Domain;

namespace CustomerProtection.Registration.Confidentiality.Domain;

/// <summary>Why a caller may see a customer's confidential data in clear (or not).</summary>
public enum Clearance
{
    None,
    Owner,
    CoDeveloper,
    BranchStaff,
    Hq,

    /// <summary>C-3: an approved, unexpired access grant.</summary>
    Grant,
}

/// <summary>What a live grant allows: one employee, one customer, one purpose, until a moment.</summary>
public sealed record GrantSlot(string GrantId, string Purpose, DateTimeOffset ExpiresAt)
{
    public bool IsLive(DateTimeOffset now) => now < ExpiresAt;
}

/// <summary>The outcome for one read: in clear (for which purpose), masked, or refused (a cleared caller's purpose outside the consent or grant).</summary>
public sealed record DisclosureDecision(Clearance Clearance, string? Purpose, PolicyRefusalException? Refusal = null)
{
    public bool Clear => Clearance != Clearance.None && Refusal is null;

    public static readonly DisclosureDecision Masked = new(Clearance.None, null);
}

/// <summary>
/// C-2, C-3, C-6 as one pure decision: who sees a customer's confidential and secret fields in clear,
/// and for which purpose. Role first (the people C-2 names), then a live grant (C-3, against the time
/// given: a grant expires by itself), then the purpose against the customer's consent (C-6).
/// </summary>
public static class Disclosure
{
    /// <summary>C-2: the owner, co-developers, the branch's secretary and manager, and hq.</summary>
    public static Clearance RoleClearance(Caller caller, Customer customer) =>
        caller.IsHq ? Clearance.Hq
        : caller.EmployeeId == customer.OwnerId ? Clearance.Owner
        : customer.IsCoDeveloper(caller.EmployeeId) ? Clearance.CoDeveloper
        : RegistrationScopes.IsBranchStaff(caller, customer.BranchId) ? Clearance.BranchStaff
        : Clearance.None;

    /// <summary>The purpose of a read that names none: the one the caller's clearance exists for.</summary>
    public static string DefaultPurpose(Clearance clearance, GrantSlot? grant) => clearance switch
    {
        Clearance.Owner or Clearance.CoDeveloper => Purposes.SalesDevelopment,
        Clearance.Grant => grant!.Purpose,
        _ => Purposes.Administration,
    };

    /// <summary>
    /// In clear or masked; a cleared caller naming a purpose outside the consent (C-6) or outside the
    /// grant (C-3) gets a refusal (one customer: raised, so the caller learns why; a bulk read masks it).
    /// </summary>
    public static DisclosureDecision Decide(Caller caller, Customer customer, GrantSlot? grant, Consent consent, string? requestedPurpose, DateTimeOffset now)
    {
        var clearance = RoleClearance(caller, customer);
        if (clearance == Clearance.None && grant is not null && grant.IsLive(now))
        {
            clearance = Clearance.Grant;
        }

        if (clearance == Clearance.None)
        {
            return DisclosureDecision.Masked;
        }

        var purpose = requestedPurpose ?? DefaultPurpose(clearance, grant);
        if (clearance == Clearance.Grant && purpose != grant!.Purpose)
        {
            return new DisclosureDecision(clearance, purpose, new PolicyRefusalException(
                "C-3",
                $"授权仅限用途 {grant.Purpose} / the grant is for {grant.Purpose} only",
                new Dictionary<string, string> { ["grantId"] = grant.GrantId, ["grantPurpose"] = grant.Purpose, ["purpose"] = purpose }));
        }

        return consent.Covers(purpose)
            ? new DisclosureDecision(clearance, purpose)
            : new DisclosureDecision(clearance, purpose, ConsentRules.OutsideScope(customer.Id, purpose, consent));
    }
}
