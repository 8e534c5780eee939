using CustomerProtection.Protos;
using System.Text.Json;
using CustomerProtection.Arbitration.Application;
using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Violations;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Storage;
using CustomerProtection.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using static CustomerProtection.Arbitration.Tests.TestData;

namespace CustomerProtection.Arbitration.Tests;

/// <summary>The other ways a case opens, and the P-9 facts read at opening, against a real redis-server.</summary>
public sealed class OpeningStoreTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly RedisOutbox _outbox = new("arbitration");
    private readonly FakeTimeProvider _time = Clock();
    private readonly InMemoryRegistration _registration = new();

    private Persistence.ArbitrationStore Store => new(redis.Connection, _outbox);
    private FileObjection FileObjection => new(Store, _registration, PolicyClock(_time));
    private OpenDispute OpenDispute => new(Store, _registration, PolicyClock(_time));
    private ReportRetaliation ReportRetaliation => new(Store, PolicyClock(_time));
    private ResolveByJointDevelopment ResolveByJointDevelopment => new(Store, _registration, PolicyClock(_time));
    private WithdrawCase WithdrawCase => new(Store, PolicyClock(_time));
    private DecideCase DecideCase => new(Store, new InMemoryDirectory(), PolicyClock(_time));
    private IDatabase Db => redis.Connection.GetDatabase();

    public Task InitializeAsync()
    {
        _registration.Customers["cust1"] = Customer(coDevelopers: "S-CO");
        return redis.FlushAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<List<string>> TypesAsync() => [.. (await Db.StreamRangeAsync(_outbox.StreamKey)).Select(e => ((string)e["type"]!).Split('.')[^1])];

    private Task<Versioned<Case>> ObjectAsync(string? own = null) =>
        FileObjection.ExecuteAsync(Salesperson(Objector), new ObjectionInput("cust1", "先拜访 / visited first", own), CancellationToken.None);

    [Fact]
    public async Task P9_1_an_objector_citing_an_earlier_filing_of_their_own_is_recommended()
    {
        _registration.Customers["cust-own"] = Customer("cust-own", owner: Objector, approvedOn: D("2026-03-02"));
        _registration.Progress.Add(new ProgressFact("cust-own", "visit", D("2026-03-03"), "photo-1", Objector));

        var opened = await ObjectAsync("cust-own");

        Assert.Equal((Objector, "P-9.1"), (opened.Value.Recommendation!.RecommendedId, opened.Value.Recommendation.DecidingRule));
    }

    [Fact]
    public async Task An_objector_may_not_cite_someone_elses_filing_and_nothing_is_written()
    {
        _registration.Customers["cust-other"] = Customer("cust-other", owner: Third);

        var error = await Assert.ThrowsAsync<RequestValidationException>(() => ObjectAsync("cust-other"));

        Assert.Equal("own_customer_id", error.Violations.Single().Field);
        Assert.Equal(0, await Db.StreamLengthAsync(_outbox.StreamKey));
    }

    [Fact]
    public async Task P2_4a_joint_development_adds_the_claimant_to_the_co_developers_Registration_has_now()
    {
        var opened = await ObjectAsync();
        _registration.Customers["cust1"] = Customer(coDevelopers: ["S-CO", "S-CO2"]);

        await ResolveByJointDevelopment.ExecuteAsync(Manager, opened.Value.Id, "双方合作 / both develop it", CancellationToken.None);

        var award = JsonDocument.Parse((string)(await Db.StreamRangeAsync(_outbox.StreamKey))[1]["body"]!).RootElement;
        Assert.Equal(["S-CO", "S-CO2", Objector], award.GetProperty("coDeveloperIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([nameof(CaseOpened), nameof(OwnershipAwarded), nameof(CaseClosed)], await TypesAsync());
    }

    [Fact]
    public async Task P4_5_retaliation_reported_by_a_party_opens_an_hq_case_without_disputing_the_customer_again()
    {
        var parent = await ObjectAsync();

        var report = await ReportRetaliation.ExecuteAsync(Salesperson(Objector), new RetaliationInput(parent.Value.Id, Owner, "散布谣言 / spread rumours", Day("2026-03-10")));

        Assert.Equal((CaseKinds.Retaliation, parent.Value.Id, Owner), (report.Value.Kind, report.Value.ParentCaseId, report.Value.RespondentId));
        Assert.Equal([nameof(CaseOpened)], await TypesAsync());
        Assert.Contains(report.Value.Id, (await new QueryCases(Store).ListAsync(Hq, null, true, 0, null)).Items.Select(c => c.Value.Id));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => ReportRetaliation.ExecuteAsync(Salesperson(Third), new RetaliationInput(parent.Value.Id, Owner, "x", Day("2026-03-10"))));
    }

    [Fact]
    public async Task P4_5_retaliation_is_a_violation_of_its_own_reportable_after_the_first_case_closed()
    {
        var parent = await ObjectAsync();
        await WithdrawCase.ExecuteAsync(Salesperson(Objector), parent.Value.Id, "和解 / settled");

        var report = await ReportRetaliation.ExecuteAsync(Salesperson(Objector), new RetaliationInput(parent.Value.Id, Owner, "撤案后报复 / retaliated after the case", Day("2026-03-10")));

        Assert.Equal((CaseKinds.Retaliation, CaseStatuses.Open, parent.Value.Id), (report.Value.Kind, report.Value.Status, report.Value.ParentCaseId));
        var directory = new InMemoryDirectory { Employees = { [Owner] = Employee(Owner) } };
        var decided = await new DecideCase(Store, directory, PolicyClock(_time)).ExecuteAsync(TestData.Hq, new DecisionInput(report.Value.Id, null, null, null, "报复成立 / retaliation confirmed",
            [new FindingInput(Owner, "P-4.5", "retaliation", ManagerFindings.None)]), CancellationToken.None);
        Assert.Equal([$"arb:{report.Value.Id}:{Owner}:P-4.5"], decided.Value.ViolationIds);
    }

    [Fact]
    public async Task P4_5_retaliation_is_reported_within_7_working_days_of_its_discovery()
    {
        var parent = await ObjectAsync();
        // Today is 2026-03-10: discovered seven working days back, today is the window's last day; one more is too late.
        var lastDay = Calendar.AddWorkingDays(Dates.ToLocalDate(D("2026-03-10")), -7).Value;
        var tooLate = Calendar.AddWorkingDays(lastDay, -1).Value;

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => ReportRetaliation.ExecuteAsync(Salesperson(Objector),
            new RetaliationInput(parent.Value.Id, Owner, "x", Dates.ToDateOnly(tooLate).ToProtoDate())));
        Assert.Equal("P-4.5", refusal.RuleId);
        var future = await Assert.ThrowsAsync<RequestValidationException>(() => ReportRetaliation.ExecuteAsync(Salesperson(Objector),
            new RetaliationInput(parent.Value.Id, Owner, "x", Day("2026-03-11"))));
        Assert.Equal("discovered_on", Assert.Single(future.Violations).Field);
        Assert.Equal([nameof(CaseOpened)], await TypesAsync());

        var inTime = await ReportRetaliation.ExecuteAsync(Salesperson(Objector), new RetaliationInput(parent.Value.Id, Owner, "x", Dates.ToDateOnly(lastDay).ToProtoDate()));
        Assert.Equal(D("2026-03-10"), inTime.Value.WindowDeadline);
    }

    [Fact]
    public async Task P3_6_a_co_development_dispute_disputes_the_customer_and_the_branch_manager_sets_the_co_developers()
    {
        var opened = await OpenDispute.ExecuteAsync(Salesperson(Objector), new DisputeInput(CaseKinds.CoDevelopment, "cust1", "S-CO", null, "分工争议 / who does what"), CancellationToken.None);

        await DecideCase.ExecuteAsync(Manager, new DecisionInput(opened.Value.Id, null, [Objector], null, "两人共同开发 / both co-develop", []), CancellationToken.None);

        Assert.Equal([nameof(CaseOpened), nameof(OwnershipAwarded), nameof(CaseClosed)], await TypesAsync());
        Assert.Equal([Objector], (await Store.GetCaseAsync(opened.Value.Id))!.Value.CoDeveloperIds);
    }

    [Fact]
    public async Task P8_2_a_performance_dispute_names_its_sale_is_hqs_and_does_not_dispute_the_customer()
    {
        var error = await Assert.ThrowsAsync<RequestValidationException>(() =>
            OpenDispute.ExecuteAsync(Salesperson(Objector), new DisputeInput(CaseKinds.Performance, "cust1", Owner, null, "业绩归属"), CancellationToken.None));
        Assert.Equal("sale_id", error.Violations.Single().Field);
        var notTheirs = await Assert.ThrowsAsync<RequestValidationException>(() =>
            OpenDispute.ExecuteAsync(Salesperson(Objector), new DisputeInput(CaseKinds.Performance, "cust1", Owner, "SALE-1", "业绩归属"), CancellationToken.None));
        Assert.Equal("sale_id", notTheirs.Violations.Single().Field);
        Assert.Empty(await TypesAsync());
        await Store.AddDealAsync("uscc:cust1", new DealFact("SALE-1", Owner, D("2026-03-10"), 1000m));

        var opened = await OpenDispute.ExecuteAsync(Salesperson(Objector), new DisputeInput(CaseKinds.Performance, "cust1", Owner, "SALE-1", "业绩归属"), CancellationToken.None);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => DecideCase.ExecuteAsync(Manager, new DecisionInput(opened.Value.Id, null, null, Objector, "x", []), CancellationToken.None));
        await DecideCase.ExecuteAsync(Hq, new DecisionInput(opened.Value.Id, null, null, Objector, "开发人应得 / the developer's credit", []), CancellationToken.None);

        Assert.Equal([nameof(PerformanceCreditDecided)], await TypesAsync());
        Assert.Null(await Store.GetMarkerAsync("cust1"));
    }

    [Fact]
    public async Task Api_ids_an_objection_retried_with_its_request_id_answers_the_first_case_and_opens_one()
    {
        var input = new ObjectionInput("cust1", "先拜访 / visited first", null, "retry-1");

        var first = await FileObjection.ExecuteAsync(Salesperson(Objector), input, CancellationToken.None);
        var again = await FileObjection.ExecuteAsync(Salesperson(Objector), input, CancellationToken.None);

        Assert.Equal(first.Value.Id, again.Value.Id);
        Assert.Equal([nameof(CaseOpened)], await TypesAsync());
        Assert.Equal(first.Value.Id, (await Store.GetMarkerAsync("cust1"))!.Value.OpenCaseId);
    }

    [Fact]
    public async Task Api_ids_a_performance_dispute_retried_with_its_request_id_opens_one_case()
    {
        await Store.AddDealAsync("uscc:cust1", new DealFact("SALE-1", Owner, D("2026-03-10"), 1000m));
        var input = new DisputeInput(CaseKinds.Performance, "cust1", Owner, "SALE-1", "业绩归属 / whose credit", "retry-2");

        var first = await OpenDispute.ExecuteAsync(Salesperson(Objector), input, CancellationToken.None);
        var again = await OpenDispute.ExecuteAsync(Salesperson(Objector), input, CancellationToken.None);

        Assert.Equal(first.Value.Id, again.Value.Id);
        Assert.Equal([first.Value.Id], (await new QueryCases(Store).ListAsync(Hq, null, true, 0, null)).Items.Select(c => c.Value.Id));
    }

    [Fact]
    public async Task Api_ids_a_request_id_reused_for_another_case_is_invalid_on_request_id_and_changes_nothing()
    {
        await Store.AddDealAsync("uscc:cust1", new DealFact("SALE-1", Owner, D("2026-03-10"), 1000m));
        var first = await OpenDispute.ExecuteAsync(Salesperson(Objector), new DisputeInput(CaseKinds.Performance, "cust1", Owner, "SALE-1", "业绩归属", "retry-3"), CancellationToken.None);

        var error = await Assert.ThrowsAsync<RequestValidationException>(() =>
            FileObjection.ExecuteAsync(Salesperson(Objector), new ObjectionInput("cust1", "先拜访 / visited first", null, "retry-3"), CancellationToken.None));

        Assert.Equal("request_id", Assert.Single(error.Violations).Field);
        Assert.Contains(first.Value.Id, error.Violations[0].Description);
        Assert.Empty(await TypesAsync());
        Assert.Null(await Store.GetMarkerAsync("cust1"));
    }
}
