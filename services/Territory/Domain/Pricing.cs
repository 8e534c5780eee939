namespace CustomerProtection.Territory.Domain;

/// <summary>One version of a region's asking price for a product (P-4.2).</summary>
public sealed record AskingPriceVersion(DateOnly EffectiveFrom, decimal Price, string SetBy, DateTimeOffset SetAt);

/// <summary>A region's asking price for one product, versioned by effective date (P-4.2, P-14 style).</summary>
public sealed record AskingPrice(string RegionId, string ProductCode, IReadOnlyList<AskingPriceVersion> Versions)
{
    /// <summary>The version in force on <paramref name="day"/>: the latest effective on or before it.</summary>
    public AskingPriceVersion? InForce(DateOnly day) => Versions.Where(v => v.EffectiveFrom <= day).MaxBy(v => v.EffectiveFrom);

    /// <summary>A new version; one on a date that already has a version replaces it.</summary>
    public AskingPrice With(AskingPriceVersion version) =>
        this with { Versions = [.. Versions.Where(v => v.EffectiveFrom != version.EffectiveFrom).Append(version).OrderBy(v => v.EffectiveFrom)] };
}

/// <summary>
/// A request to sell below a floor (P-3.7 previous price, P-4.2 asking price) and hq's decision:
/// the company sets the final price. An approved final price covers the seller's sales of the
/// product to the customer at or above it, from the decision day to <see cref="ValidUntil"/>.
/// </summary>
public sealed record PriceApproval(
    string Id,
    string SellerId,
    string IdentityKey,
    string ProductCode,
    string RegionId,
    decimal RequestedPrice,
    decimal? FloorPrice,
    string? FloorRuleId,
    string? Reason,
    string Status,
    decimal? FinalPrice,
    DateOnly? ValidUntil,
    string? DecidedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset? DecidedAt,
    DateOnly? DecidedOn,
    string? DecisionReason,
    bool FloorIsPreviousSale = false)
{
    public bool Covers(DateOnly day) => Status == ApprovalStatuses.Approved && DecidedOn is { } from && from <= day && (ValidUntil is null || day <= ValidUntil);
}

public static class ApprovalStatuses
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Refused = "refused";
}
