using System.CommandLine;
using System.Globalization;
using CustomerProtection.Cli.Core;
using CustomerProtection.Territory.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl report</c>: hq's monthly report (Territory's Reports/GetMonthlyReport), by branch or by region.</summary>
internal static class ReportCommands
{
    public static Command Create(CommandKit kit)
    {
        var month = Required("--month", "月份 / the month, yyyy-MM (Asia/Shanghai)");
        var by = Optional("--by", "分组 / rows by: branch (default), region");
        return kit.Command("report", "总部月报：备案、失效、公海、案件、违规与罚款 / hq's monthly report: filings, rejections, approvals, lapses, pool, cases, violations and fines", async (s, p, ct) =>
        {
            var answer = await s.Reports.GetMonthlyReportAsync(new GetMonthlyReportRequest
            {
                Month = Month(p.GetValue(month)!),
                GroupBy = p.GetValue(by) is { } grouping ? Vocabulary.Parse<ReportGrouping>(grouping, "--by") : ReportGrouping.Branch,
            }, s.Headers, cancellationToken: ct);
            var total = answer.Total.Clone();
            total.BranchId = answer.GroupBy == ReportGrouping.Region ? "" : "合计 / total";
            total.RegionId = answer.GroupBy == ReportGrouping.Region ? "合计 / total" : "";
            s.Out.Table(answer, answer.Rows.Append(total), "branch_id", "region_id", "filings", "rejections", "approvals", "lapses", "pool_entries", "claims", "pool_size",
                "cases_opened", "cases_decided", "cases_open", "violations", "fines", "fine_amount");
        }, month, by);
    }

    /// <summary>docs/api.md: a month is a google.type.Date with day 0.</summary>
    private static Google.Type.Date Month(string text) =>
        DateOnly.TryParseExact(text.Trim() + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
            ? new Google.Type.Date { Year = first.Year, Month = first.Month, Day = 0 }
            : throw new CliException(ExitCodes.InvalidArgument, $"--month: '{text}' 不是月份 / is not a month yyyy-MM");
}
