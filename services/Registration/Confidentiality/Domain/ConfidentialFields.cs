using CustomerProtection.Registration.Domain;

namespace CustomerProtection.Registration.Confidentiality.Domain;

/// <summary>
/// C-2 need to know: confidential and secret fields are visible in clear only to the owner,
/// co-developers, the owner's branch secretary and manager, and hq (and, C-3, to whoever holds a live
/// grant: <see cref="Disclosure"/>); everyone else gets masked values, or nothing for a secret field.
/// Which field is which, and its mask, comes from <see cref="CustomerClassification"/> (C-1).
/// </summary>
public static class ConfidentialFields
{
    public static bool MaySeeClear(Caller caller, Customer customer) => Disclosure.RoleClearance(caller, customer) != Clearance.None;

    /// <summary>The contact as <paramref name="caller"/> may see it by role, and whether it was masked.</summary>
    public static (CustomerContact Contact, bool Masked) For(Caller caller, Customer customer, CustomerContact contact) =>
        MaySeeClear(caller, customer) ? (contact, false) : (Mask(contact), true);

    /// <summary>Each protected field masked by its level: confidential ones by their mask, secret ones emptied.</summary>
    public static CustomerContact Mask(CustomerContact contact) =>
        CustomerClassification.Protected.Aggregate(contact, (masked, field) =>
            field.With(masked, field.Level == Sensitivity.Secret || field.Mask is null ? null : field.Mask(field.Get(contact))));

    /// <summary>13812345678 → 138****5678: the first three and last four digits stay.</summary>
    public static string? MaskPhone(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return phone;
        }

        var compact = new string(phone.Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray());
        return compact.Length >= 8 ? string.Concat(compact.AsSpan(0, 3), "****", compact.AsSpan(compact.Length - 4)) : new string('*', compact.Length);
    }

    /// <summary>zhang.san@example.com → z***@example.com.</summary>
    public static string? MaskEmail(string? email)
    {
        if (string.IsNullOrEmpty(email))
        {
            return email;
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? "***" : string.Concat(email.AsSpan(0, 1), "***", email.AsSpan(at));
    }

    /// <summary>张三丰 → 张**.</summary>
    public static string? MaskName(string? name) =>
        string.IsNullOrEmpty(name) ? name : string.Concat(name.AsSpan(0, 1), new string('*', Math.Max(1, name.Length - 1)));

    /// <summary>Only the first three characters (the province or city) stay.</summary>
    public static string? MaskAddress(string? address) =>
        string.IsNullOrEmpty(address) ? address : string.Concat(address.AsSpan(0, Math.Min(3, address.Length)), "****");
}
