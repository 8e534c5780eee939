namespace CustomerProtection.Territory.Reports;

public enum ReportGroup
{
    Branch,
    Region,
}

/// <summary>One row of the report: a branch (with its region) or a region, and its figures.</summary>
public sealed record ReportRow(string BranchId, string RegionId, MonthlyTotals Totals);

public sealed record MonthlyReportView(DateOnly Month, ReportGroup GroupBy, IReadOnlyList<ReportRow> Rows, MonthlyTotals Total, DateTimeOffset ComputedAt);

/// <summary>
/// hq's monthly report (issue 23): the month's figures of every branch, or of every region (its branches as the
/// directory has them now), from the facts counted so far (<see cref="CountReportFacts"/>), and its violations and
/// fines from Penalty, asked now (<see cref="IViolationFigures"/>): one source for them, its ledger with adjustments.
/// </summary>
public sealed class GetMonthlyReport(ReportStore store, Persistence.DirectoryStore directory, IViolationFigures penalty, PolicyClock clock)
{
    public async Task<MonthlyReportView> ExecuteAsync(Caller caller, Google.Type.Date? month, ReportGroup groupBy, CancellationToken cancellationToken = default)
    {
        var violations = new List<FieldViolation>();
        var parsed = Dates.ParseMonth(violations, "month", month);
        RequestValidationException.ThrowIfAny(violations);
        var first = parsed!.Value;
        if (!caller.IsHq)
        {
            throw new ScopeDeniedException("月报仅总公司查看 / the monthly report is hq's");
        }

        // Asked first: without Penalty's figures there is no report (Unavailable), not one with its numbers missing.
        var fromPenalty = await penalty.MonthAsync(first, cancellationToken);
        var key = ReportFact.MonthOf(first);
        var byBranch = MonthlyReportRules.ByBranch(key, await store.FactsUpToAsync(key));
        var regions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var branch in byBranch.Keys.Concat(fromPenalty.Branches.Keys).Where(b => b.Length > 0).Distinct(StringComparer.Ordinal))
        {
            regions[branch] = (await directory.GetBranchAsync(branch))?.Value.RegionId ?? "";
        }

        var rows = groupBy == ReportGroup.Branch
            ? MonthlyReportRules.WithViolations(byBranch, fromPenalty.Branches)
                .Select(b => new ReportRow(b.Key, regions.GetValueOrDefault(b.Key, ""), b.Value))
            : MonthlyReportRules.WithViolations(
                    byBranch.GroupBy(b => regions.GetValueOrDefault(b.Key, ""), StringComparer.Ordinal)
                        .ToDictionary(g => g.Key, g => g.Select(b => b.Value).Aggregate(MonthlyTotals.Zero, (a, b) => a + b), StringComparer.Ordinal),
                    fromPenalty.Regions)
                .Select(r => new ReportRow("", r.Key, r.Value));
        var ordered = rows.OrderBy(r => groupBy == ReportGroup.Branch ? r.BranchId : r.RegionId, StringComparer.Ordinal).ToList();
        var total = ordered.Select(r => r.Totals).Aggregate(MonthlyTotals.Zero, (a, b) => a + b);
        return new MonthlyReportView(first, groupBy, ordered, MonthlyReportRules.WithViolations(total, fromPenalty.Total), clock.UtcNow);
    }
}
