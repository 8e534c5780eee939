using CustomerProtection.ServiceDefaults.Security;

namespace CustomerProtection.Registration.Domain;

/// <summary>
/// C-2 need to know: confidential fields (contacts, phones, e-mails, addresses) are visible in clear
/// only to the owner, co-developers, the owner's branch secretary and manager, and hq; everyone else
/// gets masked values. The one place that decides it, so that C-3 grants, encryption (C-4) and the
/// audit log (C-5) extend it here.
/// </summary>
public static class ConfidentialFields
{
    public static bool MaySeeClear(Caller caller, Customer customer) =>
        caller.IsHq
        || caller.EmployeeId == customer.OwnerId
        || customer.IsCoDeveloper(caller.EmployeeId)
        || RegistrationScopes.IsBranchStaff(caller, customer.BranchId);

    /// <summary>The contact as <paramref name="caller"/> may see it, and whether it was masked.</summary>
    public static (CustomerContact Contact, bool Masked) For(Caller caller, Customer customer, CustomerContact contact) =>
        MaySeeClear(caller, customer) ? (contact, false) : (Mask(contact), true);

    public static CustomerContact Mask(CustomerContact contact) =>
        new(MaskName(contact.Name), MaskPhone(contact.Phone), MaskEmail(contact.Email), MaskAddress(contact.Address));

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
