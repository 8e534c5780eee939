namespace CustomerProtection.Contracts.Territory;

/// <summary>
/// A shipment recorded in Territory's sales ledger (from the ERP). Registration uses it: a first
/// formal purchase makes a prospect formal (P-1.1), each shipment restarts the 180 days (P-3.1).
/// Samples and trials are not recorded as sales.
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
    DateTimeOffset OccurredAt);
