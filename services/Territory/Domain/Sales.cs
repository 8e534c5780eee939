namespace CustomerProtection.Territory.Domain;

/// <summary>One shipment in the ledger, as recorded (with what the rules found at that moment).</summary>
public sealed record Sale(
    string Id,
    string SellerId,
    string? SellerBranchId,
    string? SellerRegionId,
    string IdentityKey,
    string? CustomerId,
    string? InvoiceTitle,
    string ProductCode,
    decimal UnitPrice,
    decimal Quantity,
    decimal Amount,
    DateOnly ShippedOn,
    string RegionId,
    bool ThroughAgent,
    string? AgentName,
    string CreditedTo,
    string? OwnerId,
    IReadOnlyList<string> ViolationIds,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    CreditDecision? CreditDecision = null,
    string Kind = Contracts.Territory.SaleKinds.FormalPurchase);

/// <summary>
/// P-8.2: hq's decision, in an Arbitration case, of who is credited with a sale (P-4.3): the latest
/// decision applied, with the credit it replaced.
/// </summary>
public sealed record CreditDecision(string CaseId, string CreditedTo, string PreviousCreditedTo, string Reason, string DecidedBy, DateTimeOffset DecidedAt);

/// <summary>
/// A violation found by the ledger (P-3.7, P-4.1, P-4.2, P-5), as published in ViolationDetected. The
/// evidence published (<see cref="PublishedEvidence"/>, when it differs) leaves out another party's deal —
/// the previous sale's price and seller (C-2): Penalty shows it to the violator; the full evidence stays
/// in Territory for hq and the violator's branch manager and secretary.
/// </summary>
public sealed record Violation(
    string Id,
    string RuleId,
    string Kind,
    string SaleId,
    string ViolatorId,
    string ViolatorRole,
    string? ViolatorBranchId,
    string? ViolatorRegionId,
    string? ViolatorManagerId,
    string? InjuredEmployeeId,
    string? CustomerId,
    string IdentityKey,
    decimal CustomerAnnualShipments,
    string Evidence,
    DateTimeOffset DetectedAt,
    string? InjuredManagerId = null,
    string? PublishedEvidence = null)
{
    /// <summary>
    /// Stable: the same sale breaking the same rule is the same violation, however often the sale is
    /// recorded or the event delivered (the Penalty service fines one id once).
    /// </summary>
    public static string IdFor(string saleId, string ruleId) => $"V-{saleId}-{ruleId}";
}

public static class ViolationKinds
{
    public const string Poaching = "poaching";
    public const string ThroughAgent = "through_agent";
    public const string CrossRegionUnapproved = "cross_region_unapproved";
    public const string BelowPreviousPrice = "below_previous_price";
    public const string BelowAskingPrice = "below_asking_price";
}

/// <summary>An earlier sale of a product to a customer: the P-3.7 floor.</summary>
/// <param name="IdentityKey">The customer it was sold to (a group's previous sale may be to another member, P-4.4).</param>
public sealed record PriorSale(string SaleId, decimal UnitPrice, string SellerId, DateOnly ShippedOn, string IdentityKey);

/// <summary>P-4.3: the local branch serves a customer developed by someone else and is paid for it.</summary>
public sealed record ServiceSupportAgreement(
    string Id,
    string IdentityKey,
    string DeveloperId,
    string SupportingBranchId,
    decimal Fee,
    DateOnly ValidFrom,
    DateOnly? ValidUntil,
    string? Terms,
    string RecordedBy,
    DateTimeOffset RecordedAt);
