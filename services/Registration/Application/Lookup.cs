using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Application;

/// <summary>Finds a customer by id or by invoice identity (P-2.5).</summary>
public static class Lookup
{
    public static async Task<string> ResolveAsync(CustomerStore store, List<FieldViolation> violations, string? customerId, string? taxpayerId, string? invoiceTitle, bool manualReview = false)
    {
        if (!string.IsNullOrWhiteSpace(customerId))
        {
            if (!CustomerIds.IsWellFormed(customerId))
            {
                violations.Add(new("customer_id", "格式不对 / malformed"));
            }

            return customerId;
        }

        var key = FilingRules.Identity(violations, "", taxpayerId, invoiceTitle, manualReview);
        if (key is null)
        {
            return "";
        }

        return await store.IdentityAsync(key) ?? throw new EntityNotFoundException("customer", key);
    }

    public static void RequireId(string? customerId)
    {
        if (!CustomerIds.IsWellFormed(customerId))
        {
            throw new RequestValidationException(new FieldViolation("customer_id", "必填，字母数字，最长 64 / required, letters and digits, at most 64"));
        }
    }
}
