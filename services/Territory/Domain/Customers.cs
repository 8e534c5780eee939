using CustomerProtection.Policy.Identity;

namespace CustomerProtection.Territory.Domain;

/// <summary>A customer as a request names it: Registration's id, or the invoice identity (P-2.5).</summary>
public sealed record CustomerRef(string? CustomerId, string? TaxpayerId, string? InvoiceTitle);

/// <summary>The customer with its identity key when the invoice identity was given (else Registration supplies it).</summary>
public sealed record ResolvedCustomer(string? CustomerId, string? TaxpayerId, string? InvoiceTitle, string? IdentityKey);

public static class Customers
{
    public const int MaxTitleLength = 200;

    /// <summary>
    /// P-2.5: the identity key from the taxpayer id (checksum validated), else the invoice title; a
    /// taxpayer id or title that cannot be used is a violation on its own field. Never throws.
    /// </summary>
    public static ResolvedCustomer Resolve(ICollection<FieldViolation> violations, string prefix, CustomerRef? customer, bool required = true)
    {
        var id = NullIfEmpty(customer?.CustomerId);
        var taxpayerId = NullIfEmpty(customer?.TaxpayerId);
        var title = NullIfEmpty(customer?.InvoiceTitle?.Trim());
        if (id is null && taxpayerId is null && title is null)
        {
            if (required)
            {
                violations.Add(new(prefix + "customer", "需要 customer_id、taxpayer_id 或 invoice_title / customer_id, taxpayer_id or invoice_title is required"));
            }

            return new ResolvedCustomer(null, null, null, null);
        }

        if (id is not null)
        {
            DirectoryRules.CheckId(violations, prefix + "customer.customer_id", id);
        }

        if (title?.Length > MaxTitleLength)
        {
            violations.Add(new(prefix + "customer.invoice_title", $"最长 {MaxTitleLength} 字 / at most {MaxTitleLength} characters"));
            return new ResolvedCustomer(id, taxpayerId, title, null);
        }

        if (taxpayerId is null && title is null)
        {
            return new ResolvedCustomer(id, null, null, null);
        }

        string? normalised = null;
        var refused = false;
        if (taxpayerId is not null)
        {
            if (SocialCreditCode.TryParse(taxpayerId, out var code, out var error))
            {
                normalised = code.Value;
            }
            else
            {
                violations.Add(new(prefix + "customer.taxpayer_id", error));
                refused = true;
            }
        }

        // P-2.5: the title travels on with the sale or filing (and Registration refuses it on its own
        // field), and is the identity when no taxpayer id is given: text that cannot be normalised is
        // refused on invoice_title whatever the taxpayer id, and reported beside a bad taxpayer id.
        var normalisedTitle = "";
        if (title is not null && !InvoiceTitle.TryNormalize(title, out normalisedTitle, out var titleError))
        {
            violations.Add(new(prefix + "customer.invoice_title", titleError));
            refused = true;
        }
        else if (taxpayerId is null && normalisedTitle.Length == 0)
        {
            // Invisible characters only (zero-width spaces): no identity.
            violations.Add(new(prefix + "customer.invoice_title", "开票抬头为空 / the invoice title is empty"));
            refused = true;
        }

        return refused
            ? new ResolvedCustomer(id, taxpayerId, title, null)
            : new ResolvedCustomer(id, normalised, title, CustomerIdentity.Key(normalised, title ?? ""));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
