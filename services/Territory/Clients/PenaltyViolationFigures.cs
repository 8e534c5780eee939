using CustomerProtection.Penalty.V1;
using CustomerProtection.Territory.Reports;

namespace CustomerProtection.Territory.Clients;

/// <summary>
/// The monthly report's violation figures from Penalty's <c>Penalties/GetMonthlyViolationReport</c>, asked at
/// report time for the caller (their token, so Penalty applies their rights; the call joins the caller's trace).
/// Penalty down or silent fails the report with Unavailable naming Penalty (<see cref="PenaltyCalls"/>), never
/// with partial numbers.
/// </summary>
public sealed class PenaltyViolationFigures(Penalties.PenaltiesClient client, PenaltyCalls calls) : IViolationFigures
{
    public async Task<ViolationMonth> MonthAsync(DateOnly month, CancellationToken cancellationToken)
    {
        var request = new GetMonthlyViolationReportRequest { Month = new Google.Type.Date { Year = month.Year, Month = month.Month } };
        var report = await calls.CallAsync(ct => client.GetMonthlyViolationReportAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken);
        return ToMonth(report);
    }

    /// <summary>Penalty's answer as the report's figures: violations, fines, and the amount of the fines that stand (an amount this system wrote).</summary>
    public static ViolationMonth ToMonth(MonthlyViolationReport report) => new(
        report.Branches.ToDictionary(b => b.BranchId, b => Count(b.Figures), StringComparer.Ordinal),
        report.Regions.ToDictionary(r => r.RegionId, r => Count(r.Figures), StringComparer.Ordinal),
        Count(report.Total));

    private static ViolationCount Count(ViolationFigures? figures) =>
        figures is null ? new(0, 0, 0m) : new(figures.Violations, figures.Fines, Money.ParseStored(figures.Amount));
}
