namespace CustomerProtection.Territory.Reports;

/// <summary>A month's violations, their fines and the amount that stands (P-8), as Penalty's ledger has them.</summary>
public sealed record ViolationCount(long Violations, long Fines, decimal Amount);

/// <summary>
/// Penalty's monthly figures (its GetMonthlyViolationReport): per branch, per region and in total. The total is
/// Penalty's own, not the rows' sum: a violation whose fines fall in two branches is one violation.
/// </summary>
public sealed record ViolationMonth(
    IReadOnlyDictionary<string, ViolationCount> Branches,
    IReadOnlyDictionary<string, ViolationCount> Regions,
    ViolationCount Total);

/// <summary>Where the report's violation and fine figures come from: Penalty, the one source of them.</summary>
public interface IViolationFigures
{
    Task<ViolationMonth> MonthAsync(DateOnly month, CancellationToken cancellationToken);
}
