using CustomerProtection.Arbitration.V1;
using CustomerProtection.Platform.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Registration.V1;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// M-4 through the real AppHost: a survey round over two branches (two imported organisations), answers
/// recorded by the owner and the secretary, a low overall score reaching Arbitration over RabbitMQ as an
/// M-3 complaint, and the report by branch and region with averages and the response rate; a round the schedule
/// opened by itself, found by the branch and reported.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class MaintenanceTests(SystemFixture system)
{
    private CustomerMaintenance.CustomerMaintenanceClient Maintenance => new(system.Channel(ResourceNames.Registration));
    private CustomerComplaints.CustomerComplaintsClient Complaints => new(system.Channel(ResourceNames.Arbitration));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    [Fact]
    public async Task M4_the_schedule_opens_a_round_by_itself_that_the_branch_lists_answers_and_sees_reported_by_branch()
    {
        var org = await TestOrganisation.ImportAsync(system);
        var customer = await org.FileProtectedCustomerAsync($"计划调查 {org.S} 有限公司");

        // Scheduled passes are at most SurveyRoundEveryDays (30) days apart, so 30 days on one has run since the filing; the
        // prospect is still protected on its 30th day and, never surveyed, is due.
        await new Clock.ClockClient(system.Channel(ResourceNames.Registration)).AdvanceAsync(
            new AdvanceRequest { By = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromDays(30)) }, Hq);
        var scheduled = await Eventually.GetAsync(async () =>
            (await Maintenance.ListSurveyRoundsAsync(new ListSurveyRoundsRequest { BranchId = org.Branch }, org.Secretary)).SurveyRounds
                .FirstOrDefault(r => r.OpenedBy == "system"), "a round the schedule opened over the branch", TimeSpan.FromSeconds(30));
        var round = await Maintenance.GetSurveyRoundAsync(new GetSurveyRoundRequest { RoundId = scheduled.RoundId }, org.Secretary);
        Assert.Equal([customer.CustomerId], round.Members.Select(m => m.CustomerId));

        await Maintenance.RecordSurveyAnswerAsync(new RecordSurveyAnswerRequest
        {
            RoundId = scheduled.RoundId,
            CustomerId = customer.CustomerId,
            Scores = new SurveyScores { ProductQuality = 4, Delivery = 4, Service = 4, Price = 4, Overall = 4 },
        }, org.Salesperson1);
        var line = Assert.Single((await Maintenance.GetSurveyReportAsync(new GetSurveyReportRequest { RoundId = scheduled.RoundId }, org.Secretary)).Groups);
        Assert.Equal((SurveyGroupKind.Branch, org.Branch, 1, 1, 4.0), (line.Kind, line.Id, line.Surveyed, line.Answered, line.Averages.Overall));
    }

    [Fact]
    public async Task M4_M3_a_round_over_two_branches_is_answered_reported_by_branch_and_region_and_a_low_score_becomes_a_complaint()
    {
        var a = await TestOrganisation.ImportAsync(system);
        var b = await TestOrganisation.ImportAsync(system);
        var a1 = await a.FileProtectedCustomerAsync($"满意度甲 {a.S} 有限公司");
        var a2 = await a.FileProtectedCustomerAsync($"满意度乙 {a.S} 有限公司");
        var b1 = await b.FileProtectedCustomerAsync($"满意度丙 {b.S} 有限公司");

        var round = await Maintenance.OpenSurveyRoundAsync(new OpenSurveyRoundRequest { BranchIds = { a.Branch, b.Branch } }, Hq);
        Assert.Equal(new[] { a1.CustomerId, a2.CustomerId, b1.CustomerId }.Order(StringComparer.Ordinal), round.Members.Select(m => m.CustomerId).Order(StringComparer.Ordinal));
        Assert.Equal(3, round.Surveyed);

        var bad = await Assert.ThrowsAsync<RpcException>(() => Maintenance.RecordSurveyAnswerAsync(new RecordSurveyAnswerRequest
        {
            RoundId = round.RoundId, CustomerId = a1.CustomerId, Scores = new SurveyScores { ProductQuality = 6, Delivery = 4, Service = 4, Price = 3, Overall = 4 },
        }, a.Salesperson1).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);

        await Maintenance.RecordSurveyAnswerAsync(new RecordSurveyAnswerRequest
        {
            RoundId = round.RoundId, CustomerId = a1.CustomerId, Scores = new SurveyScores { ProductQuality = 5, Delivery = 4, Service = 4, Price = 3, Overall = 4 },
        }, a.Salesperson1);
        var low = await Maintenance.RecordSurveyAnswerAsync(new RecordSurveyAnswerRequest
        {
            RoundId = round.RoundId, CustomerId = a2.CustomerId, Scores = new SurveyScores { ProductQuality = 2, Delivery = 2, Service = 3, Price = 2, Overall = 1 },
        }, a.Secretary);
        Assert.True(low.LowScore);

        var complaint = await Eventually.GetAsync(async () =>
            (await Complaints.ListComplaintsAsync(new ListComplaintsRequest { BranchId = a.Branch }, Hq)).Complaints.SingleOrDefault(c => c.CustomerId == a2.CustomerId),
            "the low score's complaint in Arbitration");
        Assert.Equal((ComplaintStatus.Open, a.Id("SEC")), (complaint.Status, complaint.RecordedBy));
        Assert.Contains("M-4", complaint.Description, StringComparison.Ordinal);
        Assert.DoesNotContain((await Complaints.ListComplaintsAsync(new ListComplaintsRequest { BranchId = a.Branch }, Hq)).Complaints, c => c.CustomerId == a1.CustomerId);

        var report = await Maintenance.GetSurveyReportAsync(new GetSurveyReportRequest { RoundId = round.RoundId }, Hq);
        var branchA = report.Groups.Single(g => g.Kind == SurveyGroupKind.Branch && g.Id == a.Branch);
        Assert.Equal((2, 2, 1.0), (branchA.Surveyed, branchA.Answered, branchA.ResponseRate));
        Assert.Equal((3.5, 3.0, 3.5, 2.5, 2.5), (branchA.Averages.ProductQuality, branchA.Averages.Delivery, branchA.Averages.Service, branchA.Averages.Price, branchA.Averages.Overall));
        var branchB = report.Groups.Single(g => g.Kind == SurveyGroupKind.Branch && g.Id == b.Branch);
        Assert.Equal((1, 0, 0.0, false), (branchB.Surveyed, branchB.Answered, branchB.ResponseRate, branchB.Averages is not null));
        var regionA = report.Groups.Single(g => g.Kind == SurveyGroupKind.Region && g.Id == a.Region);
        Assert.Equal((2, 2, 2.5), (regionA.Surveyed, regionA.Answered, regionA.Averages.Overall));
        Assert.Equal((1, 0), report.Groups.Where(g => g.Kind == SurveyGroupKind.Region && g.Id == b.Region).Select(g => (g.Surveyed, g.Answered)).Single());
        var all = report.Groups.Single(g => g.Kind == SurveyGroupKind.All);
        Assert.Equal((3, 2, 0.6667), (all.Surveyed, all.Answered, all.ResponseRate));

        // A branch's manager reads its own line only; a salesperson no report at all.
        var managerOfB = await Maintenance.GetSurveyReportAsync(new GetSurveyReportRequest { RoundId = round.RoundId }, b.As("BM", Roles.BranchManager));
        Assert.Equal([(SurveyGroupKind.Branch, b.Branch)], managerOfB.Groups.Select(g => (g.Kind, g.Id)));
        var denied = await Assert.ThrowsAsync<RpcException>(() => Maintenance.GetSurveyReportAsync(new GetSurveyReportRequest { RoundId = round.RoundId }, a.Salesperson1).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }
}
