namespace CustomerProtection.Contracts.Arbitration;

/// <summary>
/// P-8.2: hq decided a disputed performance credit or commission: the sale's credit goes to
/// <see cref="CreditToId"/> (Territory's sales ledger keeps the credit, P-4.3).
/// </summary>
public sealed record PerformanceCreditDecided(
    string CaseId,
    string SaleId,
    string CustomerId,
    string CreditToId,
    string Reason,
    string DecidedBy,
    DateTimeOffset DecidedAt);
