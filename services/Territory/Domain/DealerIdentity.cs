using CustomerProtection.Policy;
using CustomerProtection.Policy.Identity;
using CustomerProtection.ServiceDefaults.Errors;

namespace CustomerProtection.Territory.Domain;

/// <summary>
/// A dealer's invoice identity (P-2.5), so that Registration can refuse filing a dealer as a
/// customer (P-6). The taxpayer id is validated like a customer's.
/// </summary>
public static class DealerIdentity
{
    /// <returns>The normalised taxpayer id (or null when none was given) and the identity key.</returns>
    public static (string? TaxpayerId, string Key) Resolve(ICollection<FieldViolation> violations, string prefix, string? taxpayerId, string invoiceTitle)
    {
        string? normalised = null;
        if (!string.IsNullOrWhiteSpace(taxpayerId))
        {
            if (SocialCreditCode.TryParse(taxpayerId, out var code, out var error))
            {
                normalised = code.Value;
            }
            else
            {
                violations.Add(new(prefix + "taxpayer_id", error));
            }
        }

        return (normalised, string.IsNullOrWhiteSpace(invoiceTitle) && normalised is null ? "" : CustomerIdentity.Key(normalised, invoiceTitle));
    }
}
