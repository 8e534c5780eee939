using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Penalty.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Clients;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Reports;
using CustomerProtection.Testing;
using Grpc.Core;
using static CustomerProtection.Territory.Tests.ProtoDay;

namespace CustomerProtection.Territory.Tests.Reports;

/// <summary>
/// hq's monthly report (issue 23) on a real redis-server: the facts other services publish, counted once per fact,
/// in the Asia/Shanghai month of the fact's time, by branch or by region. The rig's organisation: B-SH (R-EAST, S1, S2);
/// here also B-HZ (R-EAST, S3) and B-CD (R-WEST, S4).
/// </summary>
public sealed class MonthlyReportTests(RedisServer redis) : SalesRig(redis), IClassFixture<RedisServer>
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private static readonly Google.Type.Date November = new() { Year = 2026, Month = 11 };
    private static readonly Google.Type.Date October = new() { Year = 2026, Month = 10 };

    private ReportStore Reports => new(Redis.Connection, Outbox);
    private CountReportFacts Count => new(Reports, Directory);
    private FakePenalty Penalty { get; } = new();
    private GetMonthlyReport Report => new(Reports, Directory, new PenaltyViolationFigures(Penalty, new PenaltyCalls(FakeClock, TimeSpan.FromSeconds(5))), Clocks.Policy(FakeClock));

    private async Task MoreBranchesAsync()
    {
        await new CreateBranch(Directory, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new BranchInput("B-HZ", "R-EAST", "杭州分公司", BranchKinds.Branch, true, null, false));
        await new CreateBranch(Directory, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new BranchInput("B-CD", "R-WEST", "成都分公司", BranchKinds.Branch, true, null, false));
        await new HireEmployee(Directory, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new EmployeeInput("S3", "赵六", Roles.Salesperson, "B-HZ", null, null, null), Day(2024, 1, 2));
        await new HireEmployee(Directory, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new EmployeeInput("S4", "钱七", Roles.Salesperson, "B-CD", null, null, null), Day(2024, 1, 2));
    }

    private static OwnershipChanged Approved(string customerId, string owner, DateTimeOffset at) => new(customerId, null, owner, "protected", CountReportFacts.Approved, owner, at);

    [Fact]
    public async Task Issue23_a_redelivered_event_counts_once()
    {
        var at = new DateTimeOffset(2026, 11, 5, 10, 0, 0, Shanghai);
        var approval = Approved("C-1", "S1", at);
        await Count.ExecuteAsync(approval, "msg-1");
        await Count.ExecuteAsync(approval, "msg-1");                       // redelivered
        await Count.ExecuteAsync(Approved("C-2", "S2", at), "msg-2");
        await Count.ExecuteAsync(new ProtectionLapsed("C-3", "uscc:x", "S2", "B-SH", new DateOnly(2026, 11, 4), at));
        await Count.ExecuteAsync(new ProtectionLapsed("C-3", "uscc:x", "S2", "B-SH", new DateOnly(2026, 11, 4), at));
        // P-2.1: three filings (one redelivered), one of them rejected (redelivered too).
        var filed = new FilingSubmitted("C-1", "uscc:a", "S1", "B-SH", at.AddHours(-1));
        await Count.ExecuteAsync(filed);
        await Count.ExecuteAsync(filed);
        await Count.ExecuteAsync(new FilingSubmitted("C-2", "uscc:b", "S2", "B-SH", at.AddHours(-1)));
        await Count.ExecuteAsync(new FilingSubmitted("C-4", "uscc:c", "S2", "B-SH", at));
        var rejected = new FilingRejected("C-4", "uscc:c", "S2", "B-SH", "SEC", at.AddHours(1));
        await Count.ExecuteAsync(rejected);
        await Count.ExecuteAsync(rejected);

        var row = Assert.Single((await Report.ExecuteAsync(Hq, November, ReportGroup.Branch)).Rows);

        Assert.Equal(("B-SH", "R-EAST"), (row.BranchId, row.RegionId));
        Assert.Equal((2L, 1L), (row.Totals.Approvals, row.Totals.Lapses));
        Assert.Equal((3L, 1L), (row.Totals.Filings, row.Totals.Rejections));
        Assert.Empty((await Report.ExecuteAsync(Hq, new Google.Type.Date { Year = 2026, Month = 12 }, ReportGroup.Branch)).Rows);
    }

    [Fact]
    public async Task Issue23_a_fact_counts_in_its_Asia_Shanghai_month_also_just_after_midnight_there()
    {
        // 2026-10-31 23:59 and 2026-11-01 00:30 in Shanghai: both are 31 October in UTC.
        await Count.ExecuteAsync(Approved("C-1", "S1", new DateTimeOffset(2026, 10, 31, 15, 59, 0, TimeSpan.Zero)), "msg-oct");
        await Count.ExecuteAsync(Approved("C-2", "S1", new DateTimeOffset(2026, 10, 31, 16, 30, 0, TimeSpan.Zero)), "msg-nov");

        var october = Assert.Single((await Report.ExecuteAsync(Hq, October, ReportGroup.Branch)).Rows);
        var november = Assert.Single((await Report.ExecuteAsync(Hq, November, ReportGroup.Branch)).Rows);

        Assert.Equal((1L, 1L), (october.Totals.Approvals, november.Totals.Approvals));
    }

    [Fact]
    public async Task Issue23_by_region_adds_up_the_branches_of_each_region_and_the_total_every_row()
    {
        await MoreBranchesAsync();
        var at = new DateTimeOffset(2026, 11, 12, 9, 0, 0, Shanghai);
        await Count.ExecuteAsync(Approved("C-1", "S1", at), "m1");
        await Count.ExecuteAsync(Approved("C-2", "S3", at), "m2");
        await Count.ExecuteAsync(Approved("C-3", "S3", at), "m3");
        await Count.ExecuteAsync(Approved("C-4", "S4", at), "m4");
        await Count.ExecuteAsync(new CaseOpened("K-1", "objection", "C-4", "S4", null, at, "B-CD"));

        var byBranch = await Report.ExecuteAsync(Hq, November, ReportGroup.Branch);
        var byRegion = await Report.ExecuteAsync(Hq, November, ReportGroup.Region);

        Assert.Equal([("B-CD", "R-WEST", 1L), ("B-HZ", "R-EAST", 2L), ("B-SH", "R-EAST", 1L)], byBranch.Rows.Select(r => (r.BranchId, r.RegionId, r.Totals.Approvals)));
        Assert.Equal([("R-EAST", 3L, 0L), ("R-WEST", 1L, 1L)], byRegion.Rows.Select(r => (r.RegionId, r.Totals.Approvals, r.Totals.CasesOpened)));
        Assert.Equal((4L, 1L), (byRegion.Total.Approvals, byRegion.Total.CasesOpen));
    }

    [Fact]
    public async Task P12_pool_size_is_the_branchs_pool_at_the_months_end_entries_less_exits_and_cases_open_likewise()
    {
        var october = new DateTimeOffset(2026, 10, 20, 9, 0, 0, Shanghai);
        var november = new DateTimeOffset(2026, 11, 3, 9, 0, 0, Shanghai);
        // S2 left in October: two customers to B-SH's pool; S1 claims one in November; a third enters in November.
        await Count.ExecuteAsync(new OwnershipChanged("C-1", "S2", null, "pool", "pool", null, october), "p1");
        await Count.ExecuteAsync(new OwnershipChanged("C-2", "S2", null, "pool", "pool", null, october), "p2");
        await Count.ExecuteAsync(new OwnershipChanged("C-1", null, "S1", "protected", CountReportFacts.Claimed, "S1", november), "c1");
        await Count.ExecuteAsync(new OwnershipChanged("C-1", null, "S1", "protected", CountReportFacts.Claimed, "S1", november), "c1");
        await Count.ExecuteAsync(new OwnershipChanged("C-3", "S2", null, "pool", "pool", null, november), "p3");
        // A customer never in the pool changes owner: no exit.
        await Count.ExecuteAsync(new OwnershipChanged("C-9", "S1", "S2", "protected", "reallocated", "M1", november), "r1");
        await Count.ExecuteAsync(new CaseOpened("K-1", "objection", "C-5", "S1", "S2", october, "B-SH"));
        await Count.ExecuteAsync(new CaseOpened("K-2", "objection", "C-6", "S1", "S2", october, "B-SH"));
        await Count.ExecuteAsync(new CaseClosed("K-1", "C-5", "decided", november, "B-SH"));
        await Count.ExecuteAsync(new CaseClosed("K-2", "C-6", CountReportFacts.Withdrawn, november, "B-SH"));

        var oct = Assert.Single((await Report.ExecuteAsync(Hq, October, ReportGroup.Branch)).Rows).Totals;
        var nov = Assert.Single((await Report.ExecuteAsync(Hq, November, ReportGroup.Branch)).Rows).Totals;

        Assert.Equal((2L, 0L, 2L, 2L, 2L, 0L), (oct.PoolEntries, oct.Claims, oct.PoolSize, oct.CasesOpened, oct.CasesOpen, oct.CasesDecided));
        Assert.Equal((1L, 1L, 2L, 0L, 0L, 1L), (nov.PoolEntries, nov.Claims, nov.PoolSize, nov.CasesOpened, nov.CasesOpen, nov.CasesDecided));
    }

    [Fact]
    public async Task P8_the_violations_and_fines_are_Penaltys_for_the_month_by_branch_and_by_region_and_its_total()
    {
        await MoreBranchesAsync();
        var at = new DateTimeOffset(2026, 11, 12, 9, 0, 0, Shanghai);
        await Count.ExecuteAsync(Approved("C-1", "S1", at), "m1");
        await Count.ExecuteAsync(Approved("C-2", "S4", at), "m2");
        // Stored by an earlier version, which counted violations from events: no longer read.
        await Db.HashSetAsync(ReportKeys.Month("2026-11"), "violation|V-OLD", "B-SH|0");
        await Db.HashSetAsync(ReportKeys.Month("2026-11"), "fine|F-OLD", "B-SH|9999");
        // V-1's violator is in B-SH and its manager in B-HZ: one violation of the month, in both branches' rows.
        Penalty.Answer = new MonthlyViolationReport
        {
            Month = November,
            Branches =
            {
                Figures("B-HZ", "R-EAST", 1, 1, "20000.00"),
                Figures("B-SH", "R-EAST", 2, 2, "8000.50"),
            },
            Regions = { new RegionFigures { RegionId = "R-EAST", Figures = new ViolationFigures { Violations = 2, Fines = 3, Amount = "28000.50" } } },
            Total = new ViolationFigures { Violations = 2, Fines = 3, Amount = "28000.50" },
        };

        var byBranch = await Report.ExecuteAsync(Hq, November, ReportGroup.Branch);
        var byRegion = await Report.ExecuteAsync(Hq, November, ReportGroup.Region);

        Assert.Equal([November, November], Penalty.Asked); // asked at report time, each time
        Assert.Equal([("B-CD", "R-WEST", 1L, 0L, 0L, 0m), ("B-HZ", "R-EAST", 0L, 1L, 1L, 20_000m), ("B-SH", "R-EAST", 1L, 2L, 2L, 8_000.50m)],
            byBranch.Rows.Select(r => (r.BranchId, r.RegionId, r.Totals.Approvals, r.Totals.Violations, r.Totals.Fines, r.Totals.FineAmount)));
        Assert.Equal([("R-EAST", 1L, 2L, 3L, 28_000.50m), ("R-WEST", 1L, 0L, 0L, 0m)],
            byRegion.Rows.Select(r => (r.RegionId, r.Totals.Approvals, r.Totals.Violations, r.Totals.Fines, r.Totals.FineAmount)));
        Assert.Equal((2L, 2L, 3L, 28_000.50m), (byBranch.Total.Approvals, byBranch.Total.Violations, byBranch.Total.Fines, byBranch.Total.FineAmount));
        Assert.Equal(byBranch.Total, byRegion.Total);
    }

    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.DeadlineExceeded)]
    public async Task P8_without_Penaltys_figures_there_is_no_report_but_Unavailable_naming_Penalty(StatusCode status)
    {
        await Count.ExecuteAsync(Approved("C-1", "S1", new DateTimeOffset(2026, 11, 12, 9, 0, 0, Shanghai)), "m1");
        Penalty.Failure = new RpcException(new Status(status, "Error connecting to subchannel."));

        var error = await Assert.ThrowsAsync<RpcException>(() => Report.ExecuteAsync(Hq, November, ReportGroup.Branch));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("Penalty", error.Status.Detail, StringComparison.Ordinal);
    }

    private static BranchFigures Figures(string branch, string region, long violations, long fines, string amount) =>
        new() { BranchId = branch, RegionId = region, Figures = new ViolationFigures { Violations = violations, Fines = fines, Amount = amount, Paid = "0.00" } };

    /// <summary>Penalty's GetMonthlyViolationReport as the test sets it: an answer, or a failure of the call.</summary>
    private sealed class FakePenalty : Penalties.PenaltiesClient
    {
        public MonthlyViolationReport Answer { get; set; } = new() { Total = new ViolationFigures { Amount = "0.00" } };
        public RpcException? Failure { get; set; }
        public List<Google.Type.Date> Asked { get; } = [];

        public override AsyncUnaryCall<MonthlyViolationReport> GetMonthlyViolationReportAsync(GetMonthlyViolationReportRequest request, CallOptions options)
        {
            Asked.Add(request.Month);
            var answer = Failure is { } failure ? Task.FromException<MonthlyViolationReport>(failure) : Task.FromResult(Answer);
            return new(answer, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }
    }

    [Fact]
    public async Task Issue23_only_hq_reads_the_report_and_a_month_is_a_date_with_day_0()
    {
        await Assert.ThrowsAsync<ScopeDeniedException>(() => Report.ExecuteAsync(new Caller("M1", Roles.BranchManager, "B-SH", "R-EAST"), November, ReportGroup.Branch));
        foreach (var bad in new Google.Type.Date?[] { null, new() { Year = 2026, Month = 11, Day = 3 }, new() { Year = 2026, Month = 13 }, new() { Year = 2200, Month = 1 } })
        {
            var refused = await Assert.ThrowsAsync<RequestValidationException>(() => Report.ExecuteAsync(Hq, bad, ReportGroup.Branch));
            Assert.Equal("month", Assert.Single(refused.Violations).Field);
        }
    }
}
