using CustomerProtection.Policy;
using CustomerProtection.Policy.Errors;
using System.Text;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Contracts.Organization;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Maintenance.Application;
using CustomerProtection.Registration.Maintenance.Domain;
using CustomerProtection.Registration.Maintenance.Persistence;
using CustomerProtection.Testing;

namespace CustomerProtection.Registration.Tests.Maintenance;

/// <summary>M-4 satisfaction surveys on a real redis-server: the schedule per class, answers, import, the report by branch and region, low scores.</summary>
public sealed class SurveyTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private readonly Harness _h = new(redis, MaintenanceKit.LongProtection);
    private MaintenanceKit _m = null!;

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1", "S2");
        await _h.SeedBranchAsync("B-HZ", autoApprove: false, "H1");
        _m = new MaintenanceKit(_h);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static DateTimeOffset Day(int month, int day, int hour = 0) => new(2026, month, day, hour, 0, 0, Shanghai);

    private static int[] Scores(int all, int overall) => [all, all, all, all, overall];

    [Fact]
    public async Task M4_a_round_surveys_the_customers_not_surveyed_within_their_class_interval()
    {
        var important = await _m.HeldAsync("S1", "上海重要客户有限公司", CustomerClasses.Important);
        var ordinary = await _m.HeldAsync("S1", "上海普通客户有限公司", CustomerClasses.Ordinary);
        var first = await _m.Surveys.OpenAsync(Harness.Hq, ["B-SH"]);
        Assert.Equal([important.Id, ordinary.Id], first.Members.Select(m => m.Member.CustomerId).Order());
        _h.AdvanceTo(Day(3, 12, 10));
        await _m.Surveys.RecordAsync(Harness.Salesperson("S1"), first.Round.Id, important.Id, Scores(4, 4));
        await _m.Surveys.RecordAsync(Harness.Salesperson("S1"), first.Round.Id, ordinary.Id, Scores(4, 4));

        // Answered on Thursday 2026-03-12: an important customer's 90 days (the 12th not counted) end on Wednesday 06-10.
        _h.AdvanceTo(Day(6, 9, 12));
        await Assert.ThrowsAsync<PolicyRefusalException>(() => _m.Surveys.OpenAsync(Harness.Hq, ["B-SH"]));
        _h.AdvanceTo(Day(6, 10, 23));
        var none = await Assert.ThrowsAsync<PolicyRefusalException>(() => _m.Surveys.OpenAsync(Harness.Hq, ["B-SH"]));
        Assert.Equal("M-4", none.RuleId);
        _h.AdvanceTo(Day(6, 11));
        var second = await _m.Surveys.OpenAsync(Harness.Secretary("B-SH"), ["B-SH"]);
        Assert.Equal([important.Id], second.Members.Select(m => m.Member.CustomerId));
    }

    [Fact]
    public async Task M4_the_schedule_opens_a_round_over_every_branch_every_30_days_with_the_customers_due_by_their_class()
    {
        var important = await _m.HeldAsync("S1", "上海重要客户有限公司", CustomerClasses.Important);
        var ordinary = await _m.HeldAsync("H1", "杭州普通客户有限公司", CustomerClasses.Ordinary, "B-HZ");
        Assert.True(await _m.Schedule.StartAsync());
        Assert.False(await _m.Schedule.StartAsync()); // a second replica starting leaves the schedule as it is

        // Started on Tuesday 2026-03-10: the first pass is at the start of 03-11 (Asia/Shanghai), not a second before.
        _h.AdvanceTo(Day(3, 11).AddSeconds(-1));
        Assert.Null(await _m.RunScheduleAsync());
        _h.AdvanceTo(Day(3, 11));
        var first = Assert.Single((await _m.RunScheduleAsync())!);
        Assert.Equal((ScheduledSurveyRounds.OpenedBy, "B-HZ,B-SH", 2), (first.OpenedBy, string.Join(',', first.BranchIds), first.Surveyed));
        // The pass run again the same day (its lease ran out) answers the round it opened: nothing opens twice.
        Assert.Equal(first.Id, Assert.Single(await _m.Schedule.PassAsync()).Id);
        Assert.Equal(1, await _h.Redis.Connection.GetDatabase().SortedSetLengthAsync(MaintenanceKeys.RoundsOver(["B-HZ", "B-SH"])));
        await _m.Surveys.RecordAsync(Harness.Salesperson("S1"), first.Id, important.Id, Scores(4, 4));
        await _m.Surveys.RecordAsync(Harness.Salesperson("H1", "B-HZ"), first.Id, ordinary.Id, Scores(4, 4));

        // Every 30 days: 04-10, 05-10 and 06-09 find nobody due (the important customer's 90 days from 03-11 end on 06-09) …
        foreach (var passDay in new[] { Day(4, 10), Day(5, 10), Day(6, 9) })
        {
            _h.AdvanceTo(passDay.AddSeconds(-1));
            Assert.Null(await _m.RunScheduleAsync());
            _h.AdvanceTo(passDay);
            Assert.Empty((await _m.RunScheduleAsync())!);
        }

        // … and 07-09 surveys the important customer again, not the ordinary one (365 days).
        _h.AdvanceTo(Day(7, 9));
        var second = Assert.Single((await _m.RunScheduleAsync())!);
        Assert.Equal([important.Id], (await _m.Store.MembersAsync(second.Id)).Select(m => m.CustomerId));

        // ListSurveyRounds: a branch's rounds newest first, one page at a time; B-HZ had nobody in the second.
        var newest = await _m.Surveys.ListAsync(Harness.Secretary("B-SH"), "B-SH", 1, null);
        Assert.Equal((second.Id, "1"), (Assert.Single(newest.Items).Round.Id, newest.NextPageToken));
        var older = await _m.Surveys.ListAsync(Harness.Secretary("B-SH"), "B-SH", 1, newest.NextPageToken);
        Assert.Equal((first.Id, 2, (string?)null), (Assert.Single(older.Items).Round.Id, Assert.Single(older.Items).Answered, older.NextPageToken));
        Assert.Equal([first.Id], (await _m.Surveys.ListAsync(MaintenanceKit.Manager("B-HZ"), "B-HZ", 0, null)).Items.Select(r => r.Round.Id));
    }

    [Fact]
    public async Task M4_a_branch_copied_before_the_list_of_branches_existed_is_in_the_schedule_once_it_starts()
    {
        // Copied the way Registration copied branches before the list (no lookup kept with the copy).
        await _h.Replica.ApplyAsync(OrganizationReplicaStore.Branch, "B-OLD", 1, new BranchSnapshot("B-OLD", "R-EAST", "旧分公司", "branch", true, "M-B-OLD", false));
        Assert.DoesNotContain("B-OLD", await _h.Organization.BranchIdsAsync());

        await _m.Schedule.StartAsync();

        Assert.Equal(["B-HZ", "B-OLD", "B-SH"], await _h.Organization.BranchIdsAsync());
        Assert.Equal(0, await _h.Organization.FillBranchListAsync());
    }

    [Fact]
    public async Task M4_with_SurveyRoundEveryDays_0_rounds_are_opened_by_people_only_and_the_schedule_looks_again_the_next_day()
    {
        var h = new Harness(redis, new([new PolicyVersion(PolicyBook.PolicyStart, PolicyParameters.Defaults with { ProspectProtectionDays = 400, SurveyRoundEveryDays = 0 })]));
        var m = new MaintenanceKit(h);
        var customer = await m.HeldAsync("S1", "上海重要客户有限公司", CustomerClasses.Important);
        await m.Schedule.StartAsync();

        h.AdvanceTo(Day(3, 11));
        Assert.Empty((await m.RunScheduleAsync())!);

        Assert.Equal(Day(3, 12).ToUnixTimeMilliseconds(), await m.Store.SurveySchedule.DueAtAsync(MaintenanceKeys.ScheduledRoundsEntry));
        Assert.Equal([customer.Id], (await m.Surveys.OpenAsync(Harness.Hq, ["B-SH"])).Members.Select(x => x.Member.CustomerId));
    }

    [Fact]
    public async Task M4_ListSurveyRounds_is_for_those_who_may_read_the_branch_and_names_the_bad_fields()
    {
        await _m.HeldAsync("S1", "上海重要客户有限公司", CustomerClasses.Important);
        var round = await _m.Surveys.OpenAsync(Harness.Secretary("B-SH"), ["B-SH"]);

        Assert.Equal([round.Round.Id], (await _m.Surveys.ListAsync(MaintenanceKit.Manager("B-SH"), "B-SH", 0, null)).Items.Select(r => r.Round.Id));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _m.Surveys.ListAsync(Harness.Salesperson("S1"), "B-SH", 0, null));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _m.Surveys.ListAsync(Harness.Secretary("B-HZ"), "B-SH", 0, null));
        var bad = await Assert.ThrowsAsync<RequestValidationException>(() => _m.Surveys.ListAsync(Harness.Hq, "", 501, "x"));
        Assert.Equal(["page_size", "page_token", "branch_id"], bad.Violations.Select(v => v.Field));
    }

    [Fact]
    public async Task M4_scores_are_1_to_5_and_a_bad_one_is_refused_naming_its_field()
    {
        var customer = await _m.HeldAsync("S1", "上海重要客户有限公司", CustomerClasses.Important);
        var round = await _m.Surveys.OpenAsync(Harness.Hq, ["B-SH"]);

        var bad = await Assert.ThrowsAsync<RequestValidationException>(() => _m.Surveys.RecordAsync(Harness.Salesperson("S1"), round.Round.Id, customer.Id, [0, 5, 3, 6, 3]));
        Assert.Equal(["scores.product_quality", "scores.price"], bad.Violations.Select(v => v.Field));
        Assert.Empty(await _m.Store.AnswersAsync(round.Round.Id));
        var missing = await Assert.ThrowsAsync<RequestValidationException>(() => _m.Surveys.RecordAsync(Harness.Salesperson("S1"), "", customer.Id, Scores(3, 3)));
        Assert.Equal("round_id", Assert.Single(missing.Violations).Field);
    }

    [Fact]
    public async Task M4_an_answer_is_recorded_once_by_the_owner_or_the_branch_secretary()
    {
        var customer = await _m.HeldAsync("S1", "上海重要客户有限公司", CustomerClasses.Important);
        var round = await _m.Surveys.OpenAsync(Harness.Hq, ["B-SH"]);

        await Assert.ThrowsAsync<ScopeDeniedException>(() => _m.Surveys.RecordAsync(Harness.Salesperson("S2"), round.Round.Id, customer.Id, Scores(3, 3)));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _m.Surveys.RecordAsync(Harness.Secretary("B-HZ"), round.Round.Id, customer.Id, Scores(3, 3)));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _m.Surveys.OpenAsync(Harness.Salesperson("S1"), ["B-SH"]));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _m.Surveys.OpenAsync(Harness.Secretary("B-SH"), ["B-SH", "B-HZ"]));

        var answer = await _m.Surveys.RecordAsync(Harness.Secretary("B-SH"), round.Round.Id, customer.Id, Scores(3, 3));
        Assert.Equal("SEC-B-SH", answer.RecordedBy);
        var again = await Assert.ThrowsAsync<PolicyRefusalException>(() => _m.Surveys.RecordAsync(Harness.Salesperson("S1"), round.Round.Id, customer.Id, Scores(5, 5)));
        Assert.Equal(("M-4", RefusalCode.AlreadyExists), (again.RuleId, again.Code));
        Assert.Equal(3, (await _m.Store.AnswersAsync(round.Round.Id))[customer.Id].OverallScore);
    }

    [Fact]
    public async Task M4_M3_an_overall_score_at_or_below_2_opens_a_follow_up_and_3_does_not()
    {
        var two = await _m.HeldAsync("S1", "上海客户甲有限公司", CustomerClasses.Important);
        var three = await _m.HeldAsync("S1", "上海客户乙有限公司", CustomerClasses.Important);
        var round = await _m.Surveys.OpenAsync(Harness.Hq, ["B-SH"]);

        Assert.False((await _m.Surveys.RecordAsync(Harness.Salesperson("S1"), round.Round.Id, three.Id, Scores(1, 3))).LowScore);
        Assert.True((await _m.Surveys.RecordAsync(Harness.Salesperson("S1"), round.Round.Id, two.Id, Scores(5, 2))).LowScore);

        var low = Assert.Single(await _h.EventsAsync<SurveyLowScoreRecorded>());
        Assert.Equal((round.Round.Id, two.Id, "B-SH", "S1", "S1", 2, 2), (low.RoundId, low.CustomerId, low.BranchId, low.OwnerId, low.RecordedBy, low.OverallScore, low.LowScore));
    }

    [Fact]
    public async Task M4_the_report_by_branch_and_region_gives_averages_response_rate_and_the_trend()
    {
        var sh1 = await _m.HeldAsync("S1", "上海客户甲有限公司", CustomerClasses.Important);
        var sh2 = await _m.HeldAsync("S2", "上海客户乙有限公司", CustomerClasses.Important);
        var hz = await _m.HeldAsync("H1", "杭州客户丙有限公司", CustomerClasses.Important, "B-HZ");
        var first = await _m.Surveys.OpenAsync(Harness.Hq, ["B-SH", "B-HZ"]);
        await _m.Surveys.RecordAsync(Harness.Salesperson("S1"), first.Round.Id, sh1.Id, [5, 4, 3, 2, 4]);
        await _m.Surveys.RecordAsync(Harness.Salesperson("H1", "B-HZ"), first.Round.Id, hz.Id, [3, 3, 3, 3, 3]);

        var (_, groups) = await _m.Surveys.ReportAsync(Harness.Hq, first.Round.Id);
        var sh = groups.Single(g => g is { Kind: "branch", Id: "B-SH" });
        Assert.Equal((2, 1, 0.5), (sh.Surveyed, sh.Answered, sh.ResponseRate));
        Assert.Equal([5.0, 4.0, 3.0, 2.0, 4.0], sh.Averages);
        var region = groups.Single(g => g is { Kind: "region", Id: "R-EAST" });
        Assert.Equal((3, 2, 0.6667), (region.Surveyed, region.Answered, region.ResponseRate));
        Assert.Equal([4.0, 3.5, 3.0, 2.5, 3.5], region.Averages);
        Assert.Null(region.OverallChange);

        // 90 days later the same branches are surveyed again: the trend is against the first round.
        _h.AdvanceTo(Day(6, 9, 10));
        var second = await _m.Surveys.OpenAsync(Harness.Hq, ["B-HZ", "B-SH"]);
        await _m.Surveys.RecordAsync(Harness.Salesperson("S2"), second.Round.Id, sh2.Id, [2, 2, 2, 2, 2]);
        await _m.Surveys.RecordAsync(Harness.Salesperson("H1", "B-HZ"), second.Round.Id, hz.Id, [4, 4, 4, 4, 5]);
        var (_, trend) = await _m.Surveys.ReportAsync(Harness.Hq, second.Round.Id);
        Assert.Equal(-2.0, trend.Single(g => g is { Kind: "branch", Id: "B-SH" }).OverallChange);
        Assert.Equal(2.0, trend.Single(g => g is { Kind: "branch", Id: "B-HZ" }).OverallChange);
        Assert.Equal(first.Round.Id, trend.Single(g => g.Kind == "all").PreviousRoundId);

        // A branch's manager sees the branch's line only.
        var (_, managers) = await _m.Surveys.ReportAsync(MaintenanceKit.Manager("B-HZ"), second.Round.Id);
        Assert.Equal([("branch", "B-HZ")], managers.Select(g => (g.Kind, g.Id)));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _m.Surveys.ReportAsync(Harness.Salesperson("S1"), second.Round.Id));
    }

    [Fact]
    public async Task M4_X7_answers_are_imported_from_a_CSV_with_a_report_of_the_refused_lines()
    {
        var a = await _m.HeldAsync("S1", "上海客户甲有限公司", CustomerClasses.Important);
        var b = await _m.HeldAsync("S2", "上海客户乙有限公司", CustomerClasses.Potential);
        var round = await _m.Surveys.OpenAsync(Harness.Hq, ["B-SH"]);
        var csv = $"customer_id,product_quality,delivery,service,price,overall\n{a.Id},5,5,4,4,5\n{b.Id},5,5,9,4,5\nnobody,1,1,1,1,1\n{a.Id},1,1,1,1,1\n";

        var result = await _m.Surveys.ImportAsync(Harness.Secretary("B-SH"), round.Round.Id, Encoding.UTF8.GetBytes(csv));

        Assert.Equal(1, result.Recorded);
        Assert.Equal([3, 4, 5], result.Refusals.Select(r => r.Line));
        Assert.Contains("service", result.Refusals[0].Reason, StringComparison.Ordinal);
        Assert.Equal([a.Id], (await _m.Store.AnswersAsync(round.Round.Id)).Keys);
        var header = await Assert.ThrowsAsync<RequestValidationException>(() => _m.Surveys.ImportAsync(Harness.Secretary("B-SH"), round.Round.Id, Encoding.UTF8.GetBytes("id,score\n")));
        Assert.Equal("content", Assert.Single(header.Violations).Field);
        var salesperson = await _m.Surveys.ImportAsync(Harness.Salesperson("S2"), round.Round.Id, Encoding.UTF8.GetBytes($"customer_id,product_quality,delivery,service,price,overall\n{b.Id},3,3,3,3,3\n"));
        Assert.Equal(0, salesperson.Recorded);
    }

    [Fact]
    public void M4_the_questionnaire_is_fixed_five_questions_overall_last()
    {
        Assert.Equal(["product_quality", "delivery", "service", "price", "overall"], Questionnaire.Questions.Select(q => q.Field));
        Assert.Equal("overall", Questionnaire.Questions[Questionnaire.Overall].Field);
    }

    [Fact]
    public async Task Api_ids_M4_a_round_opened_again_with_its_request_id_is_the_same_round_and_other_branches_under_the_key_are_refused()
    {
        await _m.HeldAsync("S1", "上海重试客户有限公司", CustomerClasses.Important);
        await _m.HeldAsync("H1", "杭州重试客户有限公司", CustomerClasses.Important, "B-HZ");

        var first = await _m.Surveys.OpenAsync(Harness.Hq, ["B-SH"], "retry-1");
        var again = await _m.Surveys.OpenAsync(Harness.Hq, ["B-SH"], "retry-1");
        var reused = await Assert.ThrowsAsync<RequestValidationException>(() => _m.Surveys.OpenAsync(Harness.Hq, ["B-HZ"], "retry-1"));

        Assert.Equal(first.Round.Id, again.Round.Id);
        Assert.Equal(first.Members.Select(m => m.Member.CustomerId), again.Members.Select(m => m.Member.CustomerId));
        Assert.Equal("request_id", Assert.Single(reused.Violations).Field);
        Assert.Equal(1, await _h.Redis.Connection.GetDatabase().SortedSetLengthAsync(MaintenanceKeys.RoundsOver(["B-SH"])));
    }

    [Fact]
    public async Task Api_paging_ListFollowUpsDue_and_ListStaleVerifications_refuse_501_on_page_size()
    {
        var followUps = await Assert.ThrowsAsync<RequestValidationException>(() => _m.FollowUps.ListDueAsync(Harness.Salesperson("S1"), null, 501, null));
        var stale = await Assert.ThrowsAsync<RequestValidationException>(() => _m.Verifications.ListStaleAsync(Harness.Salesperson("S1"), null, 501, null));

        Assert.All(new[] { followUps, stale }, e => Assert.Equal("page_size", Assert.Single(e.Violations).Field));
        Assert.Empty((await _m.FollowUps.ListDueAsync(Harness.Salesperson("S1"), null, 500, null)).Items);
    }
}
