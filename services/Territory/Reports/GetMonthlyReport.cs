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
/// directory has them now), from the facts counted so far (<see cref="CountReportFacts"/>).
/// </summary>
public sealed class GetMonthlyReport(ReportStore store, Persistence.DirectoryStore directory, PolicyClock clock)
{
    public async Task<MonthlyReportView> ExecuteAsync(Caller caller, Google.Type.Date? month, ReportGroup groupBy)
    {
        var violations = new List<FieldViolation>();
        var parsed = Dates.ParseMonth(violations, "month", month);
        RequestValidationException.ThrowIfAny(violations);
        var first = parsed!.Value;
        if (!caller.IsHq)
        {
            throw new ScopeDeniedException("月报仅总公司查看 / the monthly report is hq's");
        }

        var key = ReportFact.MonthOf(first);
        var byBranch = MonthlyReportRules.ByBranch(key, await store.FactsUpToAsync(key));
        var regions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var branch in byBranch.Keys.Where(b => b.Length > 0))
        {
            regions[branch] = (await directory.GetBranchAsync(branch))?.Value.RegionId ?? "";
        }

        var rows = groupBy == ReportGroup.Branch
            ? byBranch.Select(b => new ReportRow(b.Key, regions.GetValueOrDefault(b.Key, ""), b.Value))
            : byBranch.GroupBy(b => regions.GetValueOrDefault(b.Key, ""), StringComparer.Ordinal)
                .Select(g => new ReportRow("", g.Key, g.Select(b => b.Value).Aggregate(MonthlyTotals.Zero, (a, b) => a + b)));
        var ordered = rows.OrderBy(r => groupBy == ReportGroup.Branch ? r.BranchId : r.RegionId, StringComparer.Ordinal).ToList();
        return new MonthlyReportView(first, groupBy, ordered, ordered.Select(r => r.Totals).Aggregate(MonthlyTotals.Zero, (a, b) => a + b), clock.UtcNow);
    }
}
