using System.Globalization;

namespace CustomerProtection.Territory.Reports;

/// <summary>What the monthly report counts: one kind of fact per figure (docs/territory.md, Reports).</summary>
public static class Figures
{
    public const string Filing = "filing";
    public const string Rejection = "rejection";
    public const string Approval = "approval";
    public const string Lapse = "lapse";
    public const string PoolEntry = "pool_in";
    public const string PoolExit = "pool_out";
    public const string Claim = "claim";
    public const string CaseOpened = "case_opened";
    public const string CaseClosed = "case_closed";
    public const string CaseDecided = "case_decided";
}

/// <summary>One counted fact: its figure, its own id (the same on every delivery), where and when it happened.</summary>
public sealed record ReportFact(string Figure, string FactId, string BranchId, DateTimeOffset At)
{
    /// <summary>The Asia/Shanghai month of the fact's time, <c>yyyy-MM</c>: the month it counts in.</summary>
    public string Month => MonthOf(Dates.DateOf(At));

    public static string MonthOf(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}

/// <summary>One branch's (or region's) figures of a month; the violations and fines are Penalty's (<see cref="IViolationFigures"/>).</summary>
public sealed record MonthlyTotals
{
    public long Filings { get; init; }
    public long Rejections { get; init; }
    public long Approvals { get; init; }
    public long Lapses { get; init; }
    public long PoolEntries { get; init; }
    public long Claims { get; init; }
    public long PoolSize { get; init; }
    public long CasesOpened { get; init; }
    public long CasesDecided { get; init; }
    public long CasesOpen { get; init; }
    public long Violations { get; init; }
    public long Fines { get; init; }
    public decimal FineAmount { get; init; }

    public static MonthlyTotals operator +(MonthlyTotals a, MonthlyTotals b) => new()
    {
        Filings = a.Filings + b.Filings,
        Rejections = a.Rejections + b.Rejections,
        Approvals = a.Approvals + b.Approvals,
        Lapses = a.Lapses + b.Lapses,
        PoolEntries = a.PoolEntries + b.PoolEntries,
        Claims = a.Claims + b.Claims,
        PoolSize = a.PoolSize + b.PoolSize,
        CasesOpened = a.CasesOpened + b.CasesOpened,
        CasesDecided = a.CasesDecided + b.CasesDecided,
        CasesOpen = a.CasesOpen + b.CasesOpen,
        Violations = a.Violations + b.Violations,
        Fines = a.Fines + b.Fines,
        FineAmount = a.FineAmount + b.FineAmount,
    };

    public static readonly MonthlyTotals Zero = new();
}

/// <summary>The report's arithmetic, apart from storage: the month's counts, and the pool and open cases at its end.</summary>
public static class MonthlyReportRules
{
    /// <summary>
    /// Per branch: the month's facts counted, and pool size and open cases as entries less exits (opened less
    /// closed) over every month up to and including <paramref name="month"/> (<paramref name="facts"/> holds
    /// those months only). Branches with nothing to show are left out.
    /// </summary>
    public static IReadOnlyDictionary<string, MonthlyTotals> ByBranch(string month, IEnumerable<(string Month, string Figure, string BranchId)> facts)
    {
        var rows = new Dictionary<string, MonthlyTotals>(StringComparer.Ordinal);
        foreach (var (factMonth, figure, branch) in facts)
        {
            var inMonth = factMonth == month;
            var row = rows.GetValueOrDefault(branch, MonthlyTotals.Zero);
            rows[branch] = figure switch
            {
                Figures.Filing when inMonth => row with { Filings = row.Filings + 1 },
                Figures.Rejection when inMonth => row with { Rejections = row.Rejections + 1 },
                Figures.Approval when inMonth => row with { Approvals = row.Approvals + 1 },
                Figures.Lapse when inMonth => row with { Lapses = row.Lapses + 1 },
                Figures.Claim when inMonth => row with { Claims = row.Claims + 1 },
                Figures.PoolEntry => row with { PoolEntries = row.PoolEntries + (inMonth ? 1 : 0), PoolSize = row.PoolSize + 1 },
                Figures.PoolExit => row with { PoolSize = row.PoolSize - 1 },
                Figures.CaseOpened => row with { CasesOpened = row.CasesOpened + (inMonth ? 1 : 0), CasesOpen = row.CasesOpen + 1 },
                Figures.CaseClosed => row with { CasesOpen = row.CasesOpen - 1 },
                Figures.CaseDecided when inMonth => row with { CasesDecided = row.CasesDecided + 1 },
                _ => row,
            };
        }

        return rows.Where(r => r.Value != MonthlyTotals.Zero).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// The rows (branches or regions) with Penalty's figures of the same key: a row Penalty has and the facts do not is
    /// a row of its violations only. Violation and fine facts counted by earlier versions are not read (ByBranch skips them).
    /// </summary>
    public static IReadOnlyDictionary<string, MonthlyTotals> WithViolations(IReadOnlyDictionary<string, MonthlyTotals> rows, IReadOnlyDictionary<string, ViolationCount> penalty) =>
        rows.Keys.Union(penalty.Keys, StringComparer.Ordinal).ToDictionary(
            key => key,
            key => penalty.TryGetValue(key, out var count) ? WithViolations(rows.GetValueOrDefault(key, MonthlyTotals.Zero), count) : rows[key],
            StringComparer.Ordinal);

    public static MonthlyTotals WithViolations(MonthlyTotals row, ViolationCount penalty) =>
        row with { Violations = penalty.Violations, Fines = penalty.Fines, FineAmount = penalty.Amount };
}
