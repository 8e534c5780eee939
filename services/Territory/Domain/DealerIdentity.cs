using CustomerProtection.Policy.Identity;

namespace CustomerProtection.Territory.Domain;

/// <summary>
/// A dealer's invoice identity (P-2.5), so that Registration can refuse filing a dealer as a
/// customer (P-6). The taxpayer id and the invoice title are validated like a customer's.
/// </summary>
public static class DealerIdentity
{
    /// <returns>The normalised taxpayer id (or null when none was given or it is invalid) and the identity key
    /// ("" when there is none: the title is blank, empty after normalisation or cannot be normalised). Never throws.</returns>
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

        // P-2.5: the title is stored with the dealer and is its identity when no taxpayer id is given,
        // so text that cannot be normalised is refused on its own field whatever the taxpayer id.
        if (!InvoiceTitle.TryNormalize(invoiceTitle, out var title, out var titleError))
        {
            violations.Add(new(prefix + "invoice_title", titleError));
            return (normalised, "");
        }

        if (normalised is null && title.Length == 0)
        {
            // A blank title is reported as required by the format check; one of invisible characters
            // only (zero-width spaces) is no identity either.
            if (!string.IsNullOrWhiteSpace(invoiceTitle))
            {
                violations.Add(new(prefix + "invoice_title", "开票抬头为空 / the invoice title is empty"));
            }

            return (null, "");
        }

        return (normalised, CustomerIdentity.Key(normalised, invoiceTitle));
    }
}
