using CustomerProtection.Registration.Confidentiality.Domain;

namespace CustomerProtection.Registration.Domain;

/// <summary>C-1: the levels of customer data, lowest first.</summary>
public enum Sensitivity
{
    Public,
    Internal,
    Confidential,
    Secret,
}

/// <summary>
/// A confidential or secret field (C-1) of <see cref="CustomerContact"/>: its stable storage tag (the
/// encrypted blob names fields by tag, so a tag is never reused), its name in audit entries and views,
/// its level, how to read and set it, and its mask (C-2; none for a secret field: others get nothing).
/// </summary>
public sealed record ProtectedField(
    byte Tag,
    string Name,
    Sensitivity Level,
    Func<CustomerContact, string?> Get,
    Func<CustomerContact, string?, CustomerContact> With,
    Func<string?, string?>? Mask);

/// <summary>
/// C-1, declared once: the level of every customer field, next to the data model. The protected
/// fields below drive masking (<see cref="ConfidentialFields.Mask"/>, C-2), encryption (the blob holds
/// exactly these, C-4) and the audit log (the names it records, C-5); the view table gives every field
/// a customer view shows its level, and a test keeps it complete.
/// </summary>
public static class CustomerClassification
{
    public static readonly IReadOnlyList<ProtectedField> Protected =
    [
        new(1, "contact_name", Sensitivity.Confidential, c => c.Name, (c, v) => c with { Name = v }, ConfidentialFields.MaskName),
        new(2, "contact_phone", Sensitivity.Confidential, c => c.Phone, (c, v) => c with { Phone = v }, ConfidentialFields.MaskPhone),
        new(3, "contact_email", Sensitivity.Confidential, c => c.Email, (c, v) => c with { Email = v }, ConfidentialFields.MaskEmail),
        new(4, "contact_address", Sensitivity.Confidential, c => c.Address, (c, v) => c with { Address = v }, ConfidentialFields.MaskAddress),
        new(5, "bank_account", Sensitivity.Secret, c => c.BankAccount, (c, v) => c with { BankAccount = v }, Mask: null),
        // Deal terms are confidential (C-1) but free text: no part of them can be shown safely, so others
        // get nothing rather than a mask (C-2 "or nothing").
        new(6, "deal_terms", Sensitivity.Confidential, c => c.DealTerms, (c, v) => c with { DealTerms = v }, Mask: null),
        new(7, "financials", Sensitivity.Secret, c => c.Financials, (c, v) => c with { Financials = v }, Mask: null),
        new(8, "contracts", Sensitivity.Secret, c => c.Contracts, (c, v) => c with { Contracts = v }, Mask: null),
    ];

    /// <summary>
    /// Every field of a customer as the views show it (<c>CustomerView</c>, the export's columns).
    /// The invoice identity is public (C-1: name); the declared annual sales are the filer's estimate
    /// for P-3.4's tiers, not the customer's financials, so internal. The contact's parts are above.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Sensitivity> ViewFields = new Dictionary<string, Sensitivity>(StringComparer.Ordinal)
    {
        ["identity_key"] = Sensitivity.Public,
        ["taxpayer_id"] = Sensitivity.Public,
        ["invoice_title"] = Sensitivity.Public,
        ["customer_id"] = Sensitivity.Internal,
        ["customer_class"] = Sensitivity.Internal,
        ["declared_annual_sales"] = Sensitivity.Internal,
        ["branch_id"] = Sensitivity.Internal,
        ["region_id"] = Sensitivity.Internal,
        ["owner_id"] = Sensitivity.Internal,
        ["owner_name"] = Sensitivity.Internal,
        ["status"] = Sensitivity.Internal,
        ["stage"] = Sensitivity.Internal,
        ["protected_now"] = Sensitivity.Internal,
        ["filed_by"] = Sensitivity.Internal,
        ["filed_on"] = Sensitivity.Internal,
        ["approved_on"] = Sensitivity.Internal,
        ["period_start"] = Sensitivity.Internal,
        ["last_protected_day"] = Sensitivity.Internal,
        ["days_remaining"] = Sensitivity.Internal,
        ["pool_claims"] = Sensitivity.Internal,
        ["rolled_forward"] = Sensitivity.Internal,
        ["provisional"] = Sensitivity.Internal,
        ["extension_days"] = Sensitivity.Internal,
        ["extension_cap_remaining_days"] = Sensitivity.Internal,
        ["pending_extension"] = Sensitivity.Internal,
        ["objection_window_ends"] = Sensitivity.Internal,
        ["co_developer_ids"] = Sensitivity.Internal,
        ["disputed"] = Sensitivity.Internal,
        ["open_case_id"] = Sensitivity.Internal,
        ["previous_owner_id"] = Sensitivity.Internal,
        ["freed_on"] = Sensitivity.Internal,
        ["last_shipment_on"] = Sensitivity.Internal,
        ["special_period_days"] = Sensitivity.Internal,
        ["manual_review"] = Sensitivity.Internal,
        ["progress_flagged"] = Sensitivity.Internal,
        ["months_without_progress"] = Sensitivity.Internal,
        ["contact_masked"] = Sensitivity.Internal,
        ["contact_destroyed"] = Sensitivity.Internal,
        ["consent_purposes"] = Sensitivity.Internal,
        ["version"] = Sensitivity.Internal,
        ["evidence_kind"] = Sensitivity.Internal,
        ["evidence_date"] = Sensitivity.Internal,
        ["contact"] = Sensitivity.Confidential,
    };

    /// <summary>The protected fields that hold a value: what a clear read shows or a write changes (C-5).</summary>
    public static IReadOnlyList<string> Present(CustomerContact contact) =>
        Protected.Where(f => !string.IsNullOrEmpty(f.Get(contact))).Select(f => f.Name).ToList();
}
