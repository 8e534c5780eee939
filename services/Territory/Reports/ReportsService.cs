using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Territory.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CustomerProtection.Territory.Reports;

/// <summary>Thin gRPC surface of hq's monthly report.</summary>
public sealed class ReportsService(GetMonthlyReport report) : V1.Reports.ReportsBase
{
    public override async Task<MonthlyReport> GetMonthlyReport(GetMonthlyReportRequest request, ServerCallContext context)
    {
        var group = request.GroupBy switch
        {
            ReportGrouping.Unspecified or ReportGrouping.Branch => ReportGroup.Branch,
            ReportGrouping.Region => ReportGroup.Region,
            _ => throw new RequestValidationException(new FieldViolation("group_by", "按分公司或大区 / REPORT_GROUPING_BRANCH or REPORT_GROUPING_REGION")),
        };
        var view = await report.ExecuteAsync(Caller.From(context), request.Month, group, context.CancellationToken);
        return new MonthlyReport
        {
            Month = new Google.Type.Date { Year = view.Month.Year, Month = view.Month.Month, Day = 0 },
            GroupBy = group == ReportGroup.Region ? ReportGrouping.Region : ReportGrouping.Branch,
            Rows = { view.Rows.Select(r => ToProto(r.BranchId, r.RegionId, r.Totals)) },
            Total = ToProto("", "", view.Total),
            ComputedAt = Timestamp.FromDateTimeOffset(view.ComputedAt),
        };
    }

    private static MonthlyFigures ToProto(string branchId, string regionId, MonthlyTotals t) => new()
    {
        BranchId = branchId,
        RegionId = regionId,
        Filings = t.Filings,
        Rejections = t.Rejections,
        Approvals = t.Approvals,
        Lapses = t.Lapses,
        PoolEntries = t.PoolEntries,
        Claims = t.Claims,
        PoolSize = t.PoolSize,
        CasesOpened = t.CasesOpened,
        CasesDecided = t.CasesDecided,
        CasesOpen = t.CasesOpen,
        Violations = t.Violations,
        Fines = t.Fines,
        FineAmount = Money.Format(t.FineAmount),
    };
}
