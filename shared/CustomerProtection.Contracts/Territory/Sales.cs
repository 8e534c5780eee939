namespace CustomerProtection.Contracts.Territory;

/// <summary>
/// A shipment recorded in Territory's sales ledger (from the ERP). Registration uses it: a first
/// formal purchase makes a prospect formal (P-1.1), each formal purchase restarts the 180 days (P-3.1).
/// <see cref="Kind"/> (<see cref="SaleKinds"/>) says what was shipped: samples and trials are recorded
/// too and count only as development progress. An event without it (published before the kind existed)
/// is a formal purchase: this contract then said samples and trials were not recorded as sales.
/// </summary>
public sealed record SaleRecorded(
    string SaleId,
    string CustomerIdentityKey,
    string? CustomerId,
    string SellerId,
    string? SellerBranchId,
    string? SellerRegionId,
    string ProductCode,
    decimal UnitPrice,
    decimal Quantity,
    decimal Amount,
    DateOnly ShippedOn,
    bool ThroughAgent,
    DateTimeOffset OccurredAt,
    string Kind = SaleKinds.FormalPurchase);

/// <summary>P-1.1: what a sale shipped (the words of <see cref="SaleRecorded.Kind"/>).</summary>
public static class SaleKinds
{
    public const string FormalPurchase = "formal_purchase";
    public const string Sample = "sample";
    public const string Trial = "trial";
}

/// <summary>P-4.2: hq or the regional manager set a region's asking price for a product from a day on (never retroactive).</summary>
public sealed record AskingPriceSet(
    string RegionId,
    string ProductCode,
    decimal Price,
    DateOnly EffectiveFrom,
    string SetBy,
    DateTimeOffset OccurredAt);

/// <summary>P-3.7, P-4.2: a salesperson asks hq to sell below a floor (hq's queue).</summary>
public sealed record PriceApprovalRequested(
    string ApprovalId,
    string SellerId,
    string CustomerIdentityKey,
    string ProductCode,
    string RegionId,
    decimal RequestedPrice,
    decimal? FloorPrice,
    string? FloorRuleId,
    DateTimeOffset OccurredAt);

/// <summary>P-3.7 "the company sets the final price": hq approved (with the final price and how long it holds) or refused.</summary>
public sealed record PriceApprovalDecided(
    string ApprovalId,
    string SellerId,
    string CustomerIdentityKey,
    string ProductCode,
    string Status,
    decimal? FinalPrice,
    DateOnly? ValidUntil,
    string DecidedBy,
    DateTimeOffset OccurredAt);

/// <summary>P-4.3: the local branch serves a customer developed by someone else, as a paid agreement (finance pays the fee).</summary>
public sealed record ServiceSupportAgreed(
    string AgreementId,
    string CustomerIdentityKey,
    string DeveloperId,
    string SupportingBranchId,
    decimal Fee,
    DateOnly ValidFrom,
    DateOnly? ValidUntil,
    string RecordedBy,
    DateTimeOffset OccurredAt);

/// <summary>P-8.2 → P-4.3: hq's decision in an Arbitration case moved (or confirmed) a sale's performance credit.</summary>
public sealed record SaleCreditDecided(
    string SaleId,
    string CustomerIdentityKey,
    string CreditedTo,
    string PreviousCreditedTo,
    string CaseId,
    DateTimeOffset OccurredAt);

/// <summary>
/// C-5: Territory showed (<c>read</c>) or wrote (<c>change</c>) a customer's deal terms — a sale's unit
/// price and amount, a violation's evidence and the customer's annual purchases, a previous sale's price
/// (the P-3.7 floor) — to or by an employee. Registration's confidentiality module appends it to the one
/// audit log (who, when, which customer and fields, purpose, RPC), as it does for its own fields. Published
/// through Territory's outbox in the step that writes, or before the answer that shows, the values.
/// </summary>
public sealed record DealTermsAccessed(
    string EmployeeId,
    string Role,
    string? CustomerId,
    string CustomerIdentityKey,
    string Kind,
    IReadOnlyList<string> Fields,
    string Purpose,
    string Rpc,
    string Detail,
    DateTimeOffset OccurredAt);

/// <summary>The kinds of <see cref="DealTermsAccessed"/> (the audit log's own kinds, C-5).</summary>
public static class DealTermsAccessKinds
{
    public const string Read = "read";
    public const string Change = "change";
}
