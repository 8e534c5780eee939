namespace CustomerProtection.Territory.Domain;

/// <summary>
/// Registration's answer to "who owns this customer" (ownership.proto), as the sales rules need
/// it. Registration owns these facts; Territory asks at the moment it decides and keeps only what it
/// recorded with a sale.
/// </summary>
public sealed record OwnershipFacts(
    bool Found,
    string? CustomerId,
    string IdentityKey,
    string? InvoiceTitle,
    string? OwnerId,
    string? OwnerBranchId,
    string? OwnerRegionId,
    string? Stage,
    string? Status,
    DateOnly? ProtectedSince,
    DateOnly? LastProtectedDay,
    bool ProtectedNow,
    IReadOnlyList<string> CoDeveloperIds,
    string? PreviousOwnerId,
    DateOnly? LapsedOn)
{
    public static OwnershipFacts NotFound(string identityKey) =>
        new(false, null, identityKey, null, null, null, null, null, null, null, null, false, [], null, null);

    /// <summary>
    /// Who protected the customer on <paramref name="day"/> (P-1.3), or null. For today Registration's
    /// own evaluation (<see cref="ProtectedNow"/>) decides; for a past day (a shipment posted late)
    /// the protection's dates do, so a sale shipped while the customer was protected stays a sale to
    /// a protected customer even if the protection lapsed since.
    /// </summary>
    public string? ProtectorOn(DateOnly day, DateOnly today)
    {
        if (!Found)
        {
            return null;
        }

        if (day >= today)
        {
            return ProtectedNow ? OwnerId : null;
        }

        var protector = Status == OwnershipStatuses.Protected ? OwnerId : PreviousOwnerId;
        var inRange = ProtectedSince is { } since && since <= day && LastProtectedDay is { } last && day <= last;
        return inRange ? protector : null;
    }

    /// <summary>P-3.6: the owner and the co-developers the owner consented to may sell.</summary>
    public bool MaySell(string sellerId, string protector) => sellerId == protector || CoDeveloperIds.Contains(sellerId);

    /// <summary>P-3.7: the protection has lapsed (or passed to someone else after a lapse).</summary>
    public bool HasLapsed => Found && (Status is OwnershipStatuses.Lapsed or OwnershipStatuses.Pool || PreviousOwnerId is not null || LapsedOn is not null);
}

public static class OwnershipStages
{
    public const string Formal = "formal";
}

public static class OwnershipStatuses
{
    public const string PendingApproval = "pending_approval";
    public const string Protected = "protected";
    public const string Lapsed = "lapsed";
    public const string Pool = "pool";
    public const string Rejected = "rejected";
}
