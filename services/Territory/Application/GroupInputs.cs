using CustomerProtection.Territory.Domain;

namespace CustomerProtection.Territory.Application;

/// <summary>What linking and unlinking a group member share: both customers by invoice identity (P-2.5), hq only.</summary>
public static class GroupInputs
{
    public static (ResolvedCustomer Parent, ResolvedCustomer Subsidiary) Resolve(Caller caller, CustomerRef? parent, CustomerRef? subsidiary)
    {
        var violations = new List<FieldViolation>();
        var p = Identity(violations, "parent.", parent);
        var s = Identity(violations, "subsidiary.", subsidiary);
        if (p.IdentityKey is not null && p.IdentityKey == s.IdentityKey)
        {
            violations.Add(new("subsidiary", "子公司与集团不能是同一客户 / the subsidiary and its group cannot be the same customer"));
        }

        RequestValidationException.ThrowIfAny(violations);
        if (!caller.IsHq)
        {
            throw new ScopeDeniedException("只有总公司维护集团关系 / only hq links and unlinks groups");
        }

        return (p, s);
    }

    /// <summary>A group is made of invoice identities: a customer id alone does not name one here.</summary>
    public static ResolvedCustomer Identity(List<FieldViolation> violations, string prefix, CustomerRef? customer)
    {
        var resolved = Customers.Resolve(violations, prefix, customer);
        if (resolved.IdentityKey is null && violations.Count == 0)
        {
            violations.Add(new(prefix + "customer", "需要 taxpayer_id 或 invoice_title / taxpayer_id or invoice_title is required"));
        }

        return resolved;
    }
}
