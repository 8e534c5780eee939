namespace CustomerProtection.Territory.Domain;

/// <summary>
/// P-4.4: a group (集团) as hq linked it: the parent customer's invoice identity and its subsidiaries',
/// each a customer of its own (P-2.5: a different invoice identity is a different customer).
/// </summary>
public sealed record CustomerGroup(string ParentIdentityKey, string ParentInvoiceTitle, string? ParentTaxpayerId, IReadOnlyList<GroupMember> Members)
{
    /// <summary>The parent and every subsidiary.</summary>
    public IEnumerable<string> IdentityKeys => Members.Select(m => m.IdentityKey).Prepend(ParentIdentityKey);
}

/// <summary>A subsidiary of a group, with who linked it and when.</summary>
public sealed record GroupMember(string IdentityKey, string InvoiceTitle, string? TaxpayerId, string LinkedBy, DateTimeOffset LinkedAt);

/// <summary>
/// What the sales rules know of the customer's group: the parent's ownership in Registration when the
/// customer is a subsidiary (null when it is the parent), the seller's approved filing for the
/// subsidiary into the parent's region, and the group's previous sale of the product.
/// </summary>
public sealed record GroupFacts(string ParentIdentityKey, OwnershipFacts? Parent, CrossRegionFiling? ApprovedFiling, CrossRegionFiling? OpenFiling, PriorSale? PreviousSale);

public static class GroupRules
{
    /// <summary>
    /// P-4.4: the region a sale to a subsidiary needs a new filing in — the region of the owner of the
    /// group's parent when the parent is a formal customer protected on the sale's day and that region is
    /// not the seller's — else null.
    /// </summary>
    public static string? FilingRegion(OwnershipFacts? parent, SaleQuestion sale, DateOnly today) =>
        parent is { Stage: OwnershipStages.Formal, OwnerRegionId: { } region } && parent.ProtectorOn(sale.Day, today) is not null && region != sale.SellerRegionId
            ? region
            : null;
}
