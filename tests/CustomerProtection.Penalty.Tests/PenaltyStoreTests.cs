using System.Text.Json;
using CustomerProtection.Contracts.Penalty;
using CustomerProtection.Contracts.Violations;
using CustomerProtection.Penalty.Application;
using CustomerProtection.Penalty.Domain;
using CustomerProtection.Penalty.Persistence;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Storage;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Protos;
using CustomerProtection.Testing;
using CustomerProtection.Time;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using static CustomerProtection.Penalty.Tests.TestData;

namespace CustomerProtection.Penalty.Tests;

/// <summary>
/// The Penalty use cases against a real redis-server: exactly-once fines under redelivery,
/// reordering and concurrency, the P-8.3 count, atomic state + outbox, and the queries.
/// </summary>
public sealed class PenaltyStoreTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly Caller Hq = new("HQ-1", Roles.Hq, null, null);
    private readonly RedisOutbox _outbox = new("penalty");
    private readonly FakeTimeProvider _time = new(Monday.AddHours(2));

    private PenaltyStore Store => new(redis.Connection, _outbox);
    private IDatabase Db => redis.Connection.GetDatabase();

    private RecordViolation Record(PenaltySchedule? schedule = null) => new(Store,
        new FineParameterSource(PolicyBook.Default, schedule is null ? PenaltyScheduleBook.Default : new PenaltyScheduleBook([(PolicyBook.PolicyStart, schedule)])),
        Clock, NullLogger<RecordViolation>.Instance);

    private PolicyClock? _clock;

    private PolicyClock Clock => _clock ??= new(PolicyBook.Default, CalendarProvider.Create(), _time);

    private FineSteps Steps => new(Store, Clock);
    private QueryPenalties Query => new(Store);

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<List<(string Type, JsonElement Body)>> OutboxAsync() =>
        [.. (await Db.StreamRangeAsync(_outbox.StreamKey)).Select(e => ((string)e["type"]!, JsonDocument.Parse((string)e["body"]!).RootElement))];

    private async Task<List<string>> ImposedFineIdsAsync() =>
        [.. (await OutboxAsync()).Where(e => e.Type == typeof(PenaltyImposed).FullName).Select(e => e.Body.GetProperty("fineId").GetString()!)];

    [Fact]
    public async Task P8_1_a_violation_delivered_five_times_is_fined_once_with_one_event()
    {
        for (var i = 0; i < 5; i++)
        {
            await Record().ApplyAsync(ViolationReports.From(Detected("V1")));
        }

        Assert.Equal(["V1.violator"], await ImposedFineIdsAsync());
        var fine = await Store.GetFineAsync("V1.violator");
        Assert.Equal((1L, 5_000m, FineStatuses.Proposed), (fine!.Version, fine.Value.Amount, fine.Value.Status));
        Assert.Equal(1, (await Store.GetViolationAsync("V1"))!.Version);
    }

    [Fact]
    public async Task P8_1_the_same_detection_and_confirmation_delivered_concurrently_yield_exactly_two_fines_and_two_events()
    {
        var reports = Enumerable.Range(0, 48).Select(i => i % 2 == 0
            ? ViolationReports.From(Detected("V1"))
            : ViolationReports.From(Confirmed("V1", ManagerFindings.Negligent)));

        await Task.WhenAll(reports.Select(r => Task.Run(() => Record().ApplyAsync(r))));

        Assert.Equal(["V1.manager", "V1.violator"], (await ImposedFineIdsAsync()).Order(StringComparer.Ordinal));
        var (violation, fines) = await Query.GetViolationAsync(Hq, "V1");
        Assert.Equal(2, fines.Count);
        Assert.NotNull(violation.Value.Detection);
        Assert.Single(violation.Value.Findings);
        // The violator's record counted the violation once.
        Assert.Equal(1, (int)await Db.HashGetAsync(PenaltyKeys.Offender("S1"), "v"));
    }

    [Fact]
    public async Task P8_1_a_confirmation_before_its_detection_ends_in_the_same_fines_and_the_detection_publishes_nothing()
    {
        await Record().ApplyAsync(ViolationReports.From(Confirmed("V1", ManagerFindings.Involved, shipments: 2_750_000m)));
        var afterConfirmation = await OutboxAsync();

        await Record().ApplyAsync(ViolationReports.From(Detected("V1", shipments: 2_750_000m)));

        Assert.Equal(afterConfirmation.Count, (await OutboxAsync()).Count);
        Assert.Equal(5_000m, (await Store.GetFineAsync("V1.violator"))!.Value.Amount);
        Assert.Equal(35_000m, (await Store.GetFineAsync("V1.manager"))!.Value.Amount);
        Assert.Equal("territory", (await Store.GetViolationAsync("V1"))!.Value.Detection!.Source);
    }

    [Fact]
    public async Task P8_1_hq_recording_the_managers_negligence_twice_fines_the_manager_once()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1")));

        await Record().ApplyAsync(ViolationReports.FromHq(Hq, "V1", ManagerFindings.Negligent, "did not act on the complaint", null, _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromMinutes(5));
        await Record().ApplyAsync(ViolationReports.FromHq(Hq, "V1", ManagerFindings.Negligent, "did not act on the complaint", null, _time.GetUtcNow()));

        Assert.Equal(["V1.violator", "V1.manager"], await ImposedFineIdsAsync());
        var manager = (await Store.GetFineAsync("V1.manager"))!.Value;
        Assert.Equal(("M1", 10_000m, "HQ-1"), (manager.EmployeeId, manager.Amount, manager.History[0].By));
    }

    [Fact]
    public async Task P8_1_hq_finding_on_a_violation_that_has_not_arrived_is_NotFound_and_writes_nothing()
    {
        await Assert.ThrowsAsync<EntityNotFoundException>(() =>
            Record().ApplyAsync(ViolationReports.FromHq(Hq, "V-unknown", ManagerFindings.Negligent, "x", null, _time.GetUtcNow())));

        Assert.Empty(await OutboxAsync());
        Assert.Null(await Store.GetViolationAsync("V-unknown"));
    }

    [Fact]
    public async Task P8_1_a_malformed_event_is_refused_field_by_field_and_writes_nothing()
    {
        var bad = Detected("V1", shipments: -1m) with { Violator = new ViolationParty("", "salesperson", "B SH", null, null) };

        var error = await Assert.ThrowsAsync<RequestValidationException>(() => Record().ApplyAsync(ViolationReports.From(bad)));

        Assert.Equal(["customer_annual_shipments", "violator.branch_id", "violator.employee_id"], error.Violations.Select(v => v.Field).Order(StringComparer.Ordinal));
        Assert.Empty(await OutboxAsync());
        Assert.Null(await Store.GetViolationAsync("V1"));
    }

    [Fact]
    public async Task P8_1_the_schedule_sets_the_violators_proposed_fine()
    {
        var schedule = PenaltySchedule.Defaults with { ViolatorFineByKind = new Dictionary<string, decimal> { ["poaching"] = 12_000m } };

        await Record(schedule).ApplyAsync(ViolationReports.From(Detected("V1")));

        var imposed = Assert.Single(await OutboxAsync());
        Assert.Equal(12_000m, imposed.Body.GetProperty("amount").GetDecimal());
        Assert.Equal(5_000m, imposed.Body.GetProperty("minAmount").GetDecimal());
        Assert.Equal("violator", imposed.Body.GetProperty("liability").GetString());
    }

    [Fact]
    public async Task P8_3_the_third_violation_within_twelve_months_suggests_a_serious_case()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1", at: Monday.AddMonths(-12))));
        await Record().ApplyAsync(ViolationReports.From(Detected("V2", at: Monday.AddMonths(-6))));

        await Record().ApplyAsync(ViolationReports.From(Detected("V3")));

        var third = (await Store.GetViolationAsync("V3"))!.Value;
        Assert.True(third.SeriousSuggested);
        Assert.Null(third.Serious);
        Assert.Equal(3, third.ViolationsInWindow);
        Assert.False((await Store.GetFineAsync("V3.violator"))!.Value.Serious);
    }

    [Fact]
    public async Task P8_3_a_violation_one_day_beyond_twelve_months_does_not_count()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1", at: Monday.AddMonths(-12).AddDays(-1))));
        await Record().ApplyAsync(ViolationReports.From(Detected("V2", at: Monday.AddMonths(-6))));

        await Record().ApplyAsync(ViolationReports.From(Detected("V3")));

        var third = (await Store.GetViolationAsync("V3"))!.Value;
        Assert.False(third.SeriousSuggested);
        Assert.Equal(2, third.ViolationsInWindow);
    }

    [Fact]
    public async Task P8_3_three_violations_of_one_employee_recorded_at_the_same_moment_suggest_exactly_one_serious_case()
    {
        for (var round = 0; round < 20; round++)
        {
            await redis.FlushAsync();
            await Task.WhenAll(Enumerable.Range(1, 3).Select(i => Task.Run(() => Record().ApplyAsync(ViolationReports.From(Detected($"V{i}", at: Monday.AddMinutes(i)))))));

            var violations = await Store.GetViolationsAsync(["V1", "V2", "V3"]);
            Assert.Equal([1, 2, 3], violations.Select(v => v.Value.ViolationsInWindow).Order());
            Assert.Single(violations, v => v.Value.SeriousSuggested);
        }
    }

    [Fact]
    public async Task P8_3_an_overturned_violation_no_longer_counts_towards_a_serious_case()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1", at: Monday.AddMonths(-2))));
        await Record().ApplyAsync(ViolationReports.From(Detected("V2", at: Monday.AddMonths(-1))));
        var seller = new Caller("S1", Roles.Salesperson, "B-SH", "R-EAST");
        await Steps.AppealAsync(seller, "V2.violator", "the customer was mine");
        await Steps.DecideAppealAsync(Hq, "V2.violator", upheld: false, "the filing was S1's");

        await Record().ApplyAsync(ViolationReports.From(Detected("V3")));

        Assert.False((await Store.GetViolationAsync("V3"))!.Value.SeriousSuggested);
        Assert.Equal(2, (await Store.GetViolationAsync("V3"))!.Value.ViolationsInWindow);
    }

    [Fact]
    public async Task P8_a_settled_fine_publishes_PenaltySettled_in_the_same_step_and_a_refused_step_writes_nothing()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1")));
        var refused = await Assert.ThrowsAsync<PolicyRefusalException>(() => Steps.PayAsync(Hq, "V1.violator", "too early", 0));
        Assert.Equal("P-8", refused.RuleId);
        Assert.Equal(1, (await Store.GetFineAsync("V1.violator"))!.Version);

        await Steps.AdjustAsync(Hq, "V1.violator", "7500", "second offence this year", 1);
        var paid = await Steps.PayAsync(Hq, "V1.violator", "bank ref 42", 2);

        Assert.Equal((FineStatuses.Paid, 7_500m, 3L), (paid.Value.Status, paid.Value.Amount, paid.Version));
        var settled = (await OutboxAsync()).Last();
        Assert.Equal(typeof(PenaltySettled).FullName, settled.Type);
        Assert.Equal(("paid", 7_500m), (settled.Body.GetProperty("outcome").GetString(), settled.Body.GetProperty("amount").GetDecimal()));
    }

    [Fact]
    public async Task P8_1_only_hq_decides_and_only_the_fined_employee_appeals()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1")));
        var manager = new Caller("M1", Roles.BranchManager, "B-SH", "R-EAST");

        await Assert.ThrowsAsync<ScopeDeniedException>(() => Steps.ConfirmAsync(manager, "V1.violator", "ok", 0));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => Steps.AppealAsync(manager, "V1.violator", "on S1's behalf"));
        Assert.Equal(1, (await Store.GetFineAsync("V1.violator"))!.Version);
    }

    [Fact]
    public async Task P8_a_stale_expected_version_is_a_conflict_and_changes_nothing()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1")));
        await Steps.ConfirmAsync(Hq, "V1.violator", "ok", 1);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Steps.AdjustAsync(Hq, "V1.violator", "6000", "late edit", 1));
        Assert.Equal(5_000m, (await Store.GetFineAsync("V1.violator"))!.Value.Amount);
    }

    [Fact]
    public async Task Fines_are_listed_by_employee_branch_region_status_and_period_newest_first_across_pages()
    {
        for (var i = 0; i < 25; i++)
        {
            var branch = i % 2 == 0 ? "B-SH" : "B-HZ";
            var detected = Detected($"V{i:D2}", violator: $"S{i % 5}", at: Monday.AddDays(-i)) with
            {
                Violator = new ViolationParty($"S{i % 5}", "salesperson", branch, "R-EAST", "M1"),
            };
            await Record().ApplyAsync(ViolationReports.From(detected));
        }

        await Steps.ConfirmAsync(Hq, "V00.violator", "ok", 0);
        var all = new List<string>();
        string? token = null;
        do
        {
            var page = await Query.ListFinesAsync(Hq, new FineQuery(null, null, null, null, null, null, null), 7, token);
            all.AddRange(page.Items.Select(f => f.Value.Id));
            token = page.NextPageToken;
        }
        while (token is not null);

        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"V{i:D2}.violator"), all);
        Assert.Equal(5, (await Query.ListFinesAsync(Hq, new FineQuery("S1", null, null, null, null, null, null), 100, null)).Items.Count);
        Assert.Equal(13, (await Query.ListFinesAsync(Hq, new FineQuery(null, "B-SH", null, null, null, null, null), 100, null)).Items.Count);
        Assert.Equal(25, (await Query.ListFinesAsync(Hq, new FineQuery(null, null, "R-EAST", null, null, null, null), 100, null)).Items.Count);
        Assert.Equal(["V00.violator"], (await Query.ListFinesAsync(Hq, new FineQuery(null, null, null, FineStatuses.Confirmed, null, null, null), 100, null)).Items.Select(f => f.Value.Id));
        // Violation dates 2026-03-03..2026-03-05 (Asia/Shanghai), both ends included.
        Assert.Equal(["V04.violator", "V05.violator", "V06.violator"],
            (await Query.ListFinesAsync(Hq, new FineQuery(null, null, null, null, null, new DateOnly(2026, 3, 3).ToProtoDate(), new DateOnly(2026, 3, 5).ToProtoDate()), 100, null)).Items.Select(f => f.Value.Id));
    }

    [Fact]
    public async Task Totals_count_standing_paid_and_outstanding_amounts()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1")));
        await Record().ApplyAsync(ViolationReports.From(Confirmed("V1", ManagerFindings.Negligent)));
        await Record().ApplyAsync(ViolationReports.From(Detected("V2", violator: "S2")));
        await Record().ApplyAsync(ViolationReports.From(Detected("V3", violator: "S3")));
        await Steps.ConfirmAsync(Hq, "V1.violator", "", 0);
        await Steps.PayAsync(Hq, "V1.violator", "ref 1", 0);
        await Steps.AppealAsync(new Caller("S2", Roles.Salesperson, "B-SH", "R-EAST"), "V2.violator", "not me");
        await Steps.DecideAppealAsync(Hq, "V2.violator", upheld: false, "wrong seller");

        var totals = await Query.TotalsAsync(Hq, new FineQuery(null, "B-SH", null, null, null, null, null));

        Assert.Equal(4, totals.Count);
        Assert.Equal(20_000m, totals.Amount);       // 5,000 + 10,000 + 5,000 standing; 5,000 overturned
        Assert.Equal(5_000m, totals.Paid);
        Assert.Equal(15_000m, totals.Outstanding);
        Assert.Equal(1, totals.ByStatus.Single(s => s.Status == FineStatuses.Overturned).Count);
        Assert.Equal(2, totals.ByStatus.Single(s => s.Status == FineStatuses.Proposed).Count);
    }

    [Fact]
    public async Task A_salesperson_sees_only_their_own_fines_and_asking_for_anothers_is_denied()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1", violator: "S1")));
        await Record().ApplyAsync(ViolationReports.From(Detected("V2", violator: "S2")));
        var s1 = new Caller("S1", Roles.Salesperson, "B-SH", "R-EAST");

        var own = await Query.ListFinesAsync(s1, new FineQuery(null, null, null, null, null, null, null), 100, null);

        Assert.Equal(["V1.violator"], own.Items.Select(f => f.Value.Id));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => Query.ListFinesAsync(s1, new FineQuery("S2", null, null, null, null, null, null), 100, null));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => Query.GetFineAsync(s1, "V2.violator"));
        var branchSecretary = new Caller("BS1", Roles.BranchSecretary, "B-SH", "R-EAST");
        Assert.Equal(2, (await Query.ListFinesAsync(branchSecretary, new FineQuery(null, null, null, null, null, null, null), 100, null)).Items.Count);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => Query.ListFinesAsync(branchSecretary, new FineQuery(null, "B-HZ", null, null, null, null, null), 100, null));
    }

    [Fact]
    public async Task A_branchs_violation_history_lists_its_violations_newest_first_with_their_fines()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1", at: Monday.AddDays(-10))));
        await Record().ApplyAsync(ViolationReports.From(Detected("V2", violator: "S2", at: Monday.AddDays(-1))));
        await Record().ApplyAsync(ViolationReports.From(Confirmed("V2", ManagerFindings.Inactive, violator: "S2")));
        var other = Detected("V3") with { Violator = new ViolationParty("S9", "salesperson", "B-HZ", "R-EAST", "M9") };
        await Record().ApplyAsync(ViolationReports.From(other));

        var page = await Query.ListViolationsAsync(new Caller("M1", Roles.BranchManager, "B-SH", "R-EAST"), "B-SH", null, null, null, 0, null);

        Assert.Equal(["V2", "V1"], page.Items.Select(i => i.Violation.Value.Id));
        Assert.Equal(["V2.manager", "V2.violator"], page.Items[0].Fines.Select(f => f.Value.Id).Order(StringComparer.Ordinal));
        await Assert.ThrowsAsync<ScopeDeniedException>(() =>
            Query.ListViolationsAsync(new Caller("M1", Roles.BranchManager, "B-SH", "R-EAST"), "B-HZ", null, null, null, 0, null));
    }

    /// <summary>
    /// Issue 21: the hq-only fine steps refuse another role before they look the fine up or read the input, so a
    /// salesperson cannot tell from the answer whether a fine id exists or what input would pass.
    /// </summary>
    [Fact]
    public async Task An_hq_only_fine_step_refuses_another_role_before_lookup_and_validation()
    {
        var s1 = new Caller("S1", Roles.Salesperson, "B-SH", "R-EAST");
        var tooLong = new string('x', 100_000);

        await Assert.ThrowsAsync<ScopeDeniedException>(() => Steps.ConfirmAsync(s1, "V-MADE-UP.violator", "ok", 0));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => Steps.ConfirmAsync(s1, "", tooLong, 0));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => Steps.AdjustAsync(s1, "V-MADE-UP.violator", "not money", null, 0));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => Steps.DecideAppealAsync(s1, "V-MADE-UP.violator", null, null));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => Steps.PayAsync(s1, "V-MADE-UP.violator", tooLong, 0));
        // hq still gets the answers a caller allowed to act needs.
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Steps.ConfirmAsync(Hq, "V-MADE-UP.violator", "ok", 0));
        await Assert.ThrowsAsync<RequestValidationException>(() => Steps.ConfirmAsync(Hq, "V-MADE-UP.violator", tooLong, 0));
    }

    /// <summary>Issue 21: days whose instants .NET cannot hold (year 1, year 9999, a negative year) made the handler throw; a request names days from 1900 to 2199.</summary>
    [Theory]
    [InlineData(1, 1, 1, "from")]
    [InlineData(9999, 12, 31, "to")]
    [InlineData(-1, 1, 1, "from")]
    [InlineData(1899, 12, 31, "from")]
    [InlineData(2200, 1, 1, "to")]
    [InlineData(2026, 2, 30, "from")]
    public async Task A_branch_history_period_outside_1900_to_2199_or_off_the_calendar_is_refused_by_field(int year, int month, int day, string field)
    {
        var date = new Google.Type.Date { Year = year, Month = month, Day = day };
        var error = await Assert.ThrowsAsync<RequestValidationException>(() =>
            Query.ListViolationsAsync(new Caller("M1", Roles.BranchManager, "B-SH", "R-EAST"), "B-SH", null, field == "from" ? date : null, field == "to" ? date : null, 0, null));

        Assert.Equal([field], error.Violations.Select(v => v.Field));
    }

    [Fact]
    public async Task A_branch_history_period_from_1900_to_2199_is_read()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1", at: Monday.AddDays(-10))));

        var page = await Query.ListViolationsAsync(new Caller("M1", Roles.BranchManager, "B-SH", "R-EAST"), "B-SH", null, Dates.Earliest.ToProtoDate(), Dates.Latest.ToProtoDate(), 0, null);

        Assert.Equal(["V1"], page.Items.Select(i => i.Violation.Value.Id));
    }

    [Fact]
    public async Task ListViolations_filters_by_violator_while_reading_on_and_pages_to_the_end()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1", at: Monday.AddDays(-3))));
        await Record().ApplyAsync(ViolationReports.From(Detected("V2", violator: "S2", at: Monday.AddDays(-2))));
        await Record().ApplyAsync(ViolationReports.From(Detected("V3", at: Monday.AddDays(-1))));
        var manager = new Caller("M1", Roles.BranchManager, "B-SH", "R-EAST");

        var first = await Query.ListViolationsAsync(manager, "B-SH", "S1", null, null, 1, null);
        var second = await Query.ListViolationsAsync(manager, "B-SH", "S1", null, null, 1, first.NextPageToken);
        var last = await Query.ListViolationsAsync(manager, "B-SH", "S1", null, null, 1, second.NextPageToken);

        Assert.Equal(["V3"], first.Items.Select(i => i.Violation.Value.Id));
        Assert.Equal(["V1"], second.Items.Select(i => i.Violation.Value.Id));
        Assert.Empty(last.Items);
        Assert.Null(last.NextPageToken);
        Assert.Equal(["V3", "V1"], (await Query.ListViolationsAsync(manager, "B-SH", "S1", null, null, 0, null)).Items.Select(i => i.Violation.Value.Id));
    }

    /// <summary>P-8: hq's monthly figures: each violation once, its fines, the standing amount and what was paid, by branch and region.</summary>
    [Fact]
    public async Task P8_the_monthly_report_counts_a_months_violations_once_with_their_fines_by_branch_and_region()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1")));
        await Record().ApplyAsync(ViolationReports.From(Confirmed("V1", ManagerFindings.Negligent)));
        await Record().ApplyAsync(ViolationReports.From(Detected("V2", violator: "S2")));
        await Record().ApplyAsync(ViolationReports.From(Detected("V3", violator: "S3")));
        await Record().ApplyAsync(ViolationReports.From(Detected("V4") with { Violator = new ViolationParty("S9", "salesperson", "B-HZ", "R-EAST", "M9") }));
        await Record().ApplyAsync(ViolationReports.From(Detected("V5", violator: "S4", at: Monday.AddMonths(1))));
        await Steps.ConfirmAsync(Hq, "V1.violator", "", 0);
        await Steps.PayAsync(Hq, "V1.violator", "ref 1", 0);
        await Steps.AppealAsync(new Caller("S2", Roles.Salesperson, "B-SH", "R-EAST"), "V2.violator", "not me");
        await Steps.DecideAppealAsync(Hq, "V2.violator", upheld: false, "wrong seller");

        var march = await Query.MonthlyReportAsync(Hq, Month(2026, 3));

        Assert.Equal(new DateOnly(2026, 3, 1), march.Month);
        Assert.Equal([new BranchFigures("B-HZ", "R-EAST", new ViolationFigures(1, 1, 5_000m, 0m, 0)),
                      new BranchFigures("B-SH", "R-EAST", new ViolationFigures(3, 4, 20_000m, 5_000m, 0))], march.Branches);
        Assert.Equal([new RegionFigures("R-EAST", new ViolationFigures(4, 5, 25_000m, 5_000m, 0))], march.Regions);
        Assert.Equal(new ViolationFigures(4, 5, 25_000m, 5_000m, 0), march.Total);
        Assert.Equal(new ViolationFigures(1, 1, 5_000m, 0m, 0), (await Query.MonthlyReportAsync(Hq, Month(2026, 4))).Total);
    }

    [Fact]
    public async Task P8_the_monthly_report_of_a_branch_manager_is_their_branch_and_a_salesperson_may_not_ask()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1")));
        await Record().ApplyAsync(ViolationReports.From(Detected("V4") with { Violator = new ViolationParty("S9", "salesperson", "B-HZ", "R-EAST", "M9") }));

        var own = await Query.MonthlyReportAsync(new Caller("M1", Roles.BranchManager, "B-SH", "R-EAST"), Month(2026, 3));

        Assert.Equal(["B-SH"], own.Branches.Select(b => b.BranchId));
        Assert.Equal(1, own.Total.Violations);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => Query.MonthlyReportAsync(new Caller("S1", Roles.Salesperson, "B-SH", "R-EAST"), Month(2026, 3)));
        var bad = await Assert.ThrowsAsync<RequestValidationException>(() => Query.MonthlyReportAsync(Hq, Month(2026, 0)));
        Assert.Equal(["month"], bad.Violations.Select(v => v.Field));
    }

    /// <summary>docs/api.md: a month is a google.type.Date with day 0; a day in it, a missing month or one outside 1900–2199 is refused on the field.</summary>
    [Theory]
    [InlineData(2026, 3, 15)]
    [InlineData(2026, 13, 0)]
    [InlineData(1899, 12, 0)]
    [InlineData(2200, 1, 0)]
    public async Task P8_the_monthly_report_month_is_a_year_and_month_with_day_0(int year, int month, int day)
    {
        var bad = await Assert.ThrowsAsync<RequestValidationException>(() => Query.MonthlyReportAsync(Hq, new Google.Type.Date { Year = year, Month = month, Day = day }));
        Assert.Equal(["month"], bad.Violations.Select(v => v.Field));
        var missing = await Assert.ThrowsAsync<RequestValidationException>(() => Query.MonthlyReportAsync(Hq, null));
        Assert.Equal(["month"], missing.Violations.Select(v => v.Field));
    }

    private static Google.Type.Date Month(int year, int month) => new() { Year = year, Month = month };

    private DeclareSeriousCase Declare => new(Store, Clock);

    [Fact]
    public async Task P8_3_hq_declares_a_serious_case_with_a_heavier_fine_and_a_dismissal_in_one_step_with_one_event()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1")));

        var declared = await Declare.ExecuteAsync(Hq, new SeriousCaseInput("V1", "150000", Dismissal: true, "多次抢单 / repeated poaching"));

        Assert.Equal(new SeriousCase("HQ-1", _time.GetUtcNow(), "多次抢单 / repeated poaching", 150_000m, true), declared.Value.Serious);
        var fine = (await Store.GetFineAsync("V1.violator"))!;
        Assert.Equal((150_000m, FineStatuses.Adjusted, true, (decimal?)null), (fine.Value.Amount, fine.Value.Status, fine.Value.Serious, fine.Value.MaxAmount));
        var events = (await OutboxAsync()).Where(e => e.Type == typeof(SeriousCaseDeclared).FullName).ToList();
        var e = Assert.Single(events).Body;
        Assert.Equal(("V1", "S1", true, 150_000m), (e.GetProperty("violationId").GetString(), e.GetProperty("employeeId").GetString(), e.GetProperty("dismissal").GetBoolean(), e.GetProperty("fine").GetDecimal()));
    }

    [Fact]
    public async Task P8_3_a_dismissal_alone_leaves_the_fine_as_it_is()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1")));

        await Declare.ExecuteAsync(Hq, new SeriousCaseInput("V1", "", Dismissal: true, "dismissed"));

        var fine = (await Store.GetFineAsync("V1.violator"))!;
        Assert.Equal((1L, 5_000m, false), (fine.Version, fine.Value.Amount, fine.Value.Serious));
        Assert.True((await Store.GetViolationAsync("V1"))!.Value.Serious!.Dismissal);
    }

    [Fact]
    public async Task P8_3_a_second_declaration_a_non_hq_caller_an_empty_declaration_and_a_dealers_dismissal_are_refused_and_change_nothing()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1")));
        await Record().ApplyAsync(ViolationReports.From(Detected("V2") with { Violator = new ViolationParty("D1", Roles.Dealer, "B-SH", "R-EAST", "M1") }));
        var manager = new Caller("M1", Roles.BranchManager, "B-SH", "R-EAST");
        var before = await Db.StreamLengthAsync(_outbox.StreamKey);

        await Assert.ThrowsAsync<ScopeDeniedException>(() => Declare.ExecuteAsync(manager, new SeriousCaseInput("V1", "90000", false, "x")));
        var empty = await Assert.ThrowsAsync<RequestValidationException>(() => Declare.ExecuteAsync(Hq, new SeriousCaseInput("V1", "", false, "x")));
        Assert.Equal("fine", Assert.Single(empty.Violations).Field);
        var dealer = await Assert.ThrowsAsync<PolicyRefusalException>(() => Declare.ExecuteAsync(Hq, new SeriousCaseInput("V2", "", true, "x")));
        Assert.Equal("P-8.3", dealer.RuleId);
        var notHeavier = await Assert.ThrowsAsync<PolicyRefusalException>(() => Declare.ExecuteAsync(Hq, new SeriousCaseInput("V1", "5000", true, "x")));
        Assert.Equal("P-8.3", notHeavier.RuleId);
        Assert.Equal(before, await Db.StreamLengthAsync(_outbox.StreamKey));
        Assert.Null((await Store.GetViolationAsync("V1"))!.Value.Serious);

        await Declare.ExecuteAsync(Hq, new SeriousCaseInput("V1", "60000", false, "first"));
        var again = await Assert.ThrowsAsync<PolicyRefusalException>(() => Declare.ExecuteAsync(Hq, new SeriousCaseInput("V1", "70000", true, "second")));
        Assert.Equal("P-8.3", again.RuleId);
        Assert.Equal(60_000m, (await Store.GetFineAsync("V1.violator"))!.Value.Amount);
        Assert.False((await Store.GetViolationAsync("V1"))!.Value.Serious!.Dismissal);
    }

    [Fact]
    public async Task P8_1_P7_hq_letting_a_fine_stand_publishes_FineConfirmed_with_the_violators_role_and_a_proposal_or_appeal_does_not()
    {
        await Record().ApplyAsync(ViolationReports.From(Detected("V1") with { Violator = new ViolationParty("D1", Roles.Dealer, "B-SH", "R-EAST", "M1") }));
        var dealer = new Caller("D1", Roles.Dealer, "B-SH", "R-EAST");

        await Steps.AppealAsync(dealer, "V1.violator", "not mine");
        await Steps.DecideAppealAsync(Hq, "V1.violator", upheld: true, "it was");

        var confirmed = (await OutboxAsync()).Where(e => e.Type == typeof(FineConfirmed).FullName).Select(e => e.Body).ToList();
        var upheld = Assert.Single(confirmed);
        Assert.Equal(("V1.violator", "violator", "D1", Roles.Dealer, "upheld", "HQ-1"),
            (upheld.GetProperty("fineId").GetString(), upheld.GetProperty("liability").GetString(), upheld.GetProperty("employeeId").GetString(),
             upheld.GetProperty("violatorRole").GetString(), upheld.GetProperty("status").GetString(), upheld.GetProperty("by").GetString()));
    }
}
