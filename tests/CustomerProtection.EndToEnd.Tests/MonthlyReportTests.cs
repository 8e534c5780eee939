using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CustomerProtection.Policy.Actors;
using Aspire.Hosting.Testing;
using CustomerProtection.Penalty.V1;
using CustomerProtection.Territory.V1;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// hq's monthly report (issue 23) through the AppHost: Registration's approval crosses RabbitMQ into Territory's
/// report, in the month of the business clock, read over gRPC and as JSON on Territory's api endpoint.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class MonthlyReportTests(SystemFixture system)
{
    private Reports.ReportsClient Reports => new(system.Channel(ResourceNames.Territory));

    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    [Fact]
    public async Task Issue23_a_filing_and_its_approval_count_in_their_branch_and_region_for_the_month_by_grpc_and_json_and_only_for_hq()
    {
        var org = await TestOrganisation.ImportAsync(system);
        var today = DateOnly.ParseExact(await org.TodayAsync(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var month = new Google.Type.Date { Year = today.Year, Month = today.Month };
        await org.FileProtectedCustomerAsync($"月报客户{org.S}有限公司");

        var row = await Eventually.GetAsync(async () =>
            (await Reports.GetMonthlyReportAsync(new GetMonthlyReportRequest { Month = month }, Hq)).Rows.SingleOrDefault(r => r.BranchId == org.Branch && r.Approvals > 0 && r.Filings > 0),
            "the filing and its approval in Territory's monthly report");
        Assert.Equal((org.Region, 1L, 1L), (row.RegionId, row.Filings, row.Approvals));

        var denied = await Assert.ThrowsAsync<RpcException>(async () =>
            await Reports.GetMonthlyReportAsync(new GetMonthlyReportRequest { Month = month }, org.As("BM", Roles.BranchManager)));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);

        using var http = new HttpClient { BaseAddress = system.App.GetEndpoint(ResourceNames.Territory, ResourceNames.ApiEndpoint) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", system.Token("HQ-1", Roles.Hq));
        using var answer = await http.GetAsync($"/v1/reports/monthly?month.year={month.Year}&month.month={month.Month}&groupBy=REPORT_GROUPING_REGION");
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        var region = json.RootElement.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("regionId").GetString() == org.Region);
        Assert.Equal("1", region.GetProperty("approvals").GetString()); // an int64 is a decimal string (proto3 JSON, docs/api.md)
        Assert.Equal(("REPORT_GROUPING_REGION", month.Month), (json.RootElement.GetProperty("groupBy").GetString(), json.RootElement.GetProperty("month").GetProperty("month").GetInt32()));

        using var badMonth = await http.GetAsync($"/v1/reports/monthly?month.year={month.Year}&month.month={month.Month}&month.day=3");
        Assert.Equal(HttpStatusCode.BadRequest, badMonth.StatusCode);
    }

    /// <summary>P-8: the report's violations and fines are Penalty's (its ledger with adjustments), asked at report time: by branch and by region.</summary>
    [Fact]
    public async Task P8_the_reports_violation_figures_are_Penaltys_monthly_report_for_the_same_month_by_branch_and_by_region()
    {
        var org = await TestOrganisation.ImportAsync(system);
        await using var bus = await PenaltyBus.StartAsync(system);
        var penalty = new Penalties.PenaltiesClient(system.Channel(ResourceNames.Penalty));
        var now = await PenaltyBus.NowAsync(system);
        var violation = "V-REPORT-" + org.S;
        await bus.PublishAsync(PenaltyBus.Detected(violation, org.Id("S1"), org.Branch, org.Id("BM"), 200_000m, now));
        await Eventually.GetAsync(async () => await penalty.GetFineAsync(new GetFineRequest { FineId = violation + ".violator" }, Hq), "the violation's fine in Penalty");
        var shanghai = now.ToOffset(TimeSpan.FromHours(8));
        var month = new Google.Type.Date { Year = shanghai.Year, Month = shanghai.Month };

        var fromPenalty = await penalty.GetMonthlyViolationReportAsync(new GetMonthlyViolationReportRequest { Month = month }, Hq);
        var byBranch = await Reports.GetMonthlyReportAsync(new GetMonthlyReportRequest { Month = month, GroupBy = ReportGrouping.Branch }, Hq);
        var byRegion = await Reports.GetMonthlyReportAsync(new GetMonthlyReportRequest { Month = month, GroupBy = ReportGrouping.Region }, Hq);

        var penaltyBranch = Assert.Single(fromPenalty.Branches, b => b.BranchId == org.Branch).Figures;
        var branch = Assert.Single(byBranch.Rows, r => r.BranchId == org.Branch);
        Assert.Equal((penaltyBranch.Violations, penaltyBranch.Fines, penaltyBranch.Amount), (branch.Violations, branch.Fines, branch.FineAmount));
        Assert.True(branch.Violations >= 1, "the published violation is in the branch's row");
        var penaltyRegion = Assert.Single(fromPenalty.Regions, r => r.RegionId == "R-E2E").Figures;
        var region = Assert.Single(byRegion.Rows, r => r.RegionId == "R-E2E");
        Assert.Equal((penaltyRegion.Violations, penaltyRegion.Fines, penaltyRegion.Amount), (region.Violations, region.Fines, region.FineAmount));
    }
}
