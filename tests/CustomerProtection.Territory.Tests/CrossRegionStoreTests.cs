using System.Text.Json;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Storage;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using CustomerProtection.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using static CustomerProtection.Territory.Tests.ProtoDay;

namespace CustomerProtection.Territory.Tests;

/// <summary>Cross-region filings against a real redis-server: queues, the P-10 due queue and escalation exactly once.</summary>
public sealed class CrossRegionStoreTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly Caller Hq = new("HQ1", Roles.Hq, null, null);
    private static readonly Caller Seller = new("S1", Roles.Salesperson, "B-SH", "R-EAST");
    private static readonly Caller Secretary = new("RS-W", Roles.RegionalSecretary, null, "R-WEST");
    private static readonly Caller Manager = new("RM-W", Roles.RegionalManager, null, "R-WEST");
    private readonly RedisOutbox _outbox = new("territory");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 13, 17, 30, 15, TimeSpan.FromHours(8)));

    private DirectoryStore Directory => new(redis.Connection, _outbox, Sealing.Records);
    private SalesStore Store => new(redis.Connection, Directory);
    private SubmitCrossRegionFiling Submit => new(Store, Clocks.Policy(_time));
    private AnswerCrossRegionFiling Answer => new(Store, Clocks.Policy(_time));
    private DecideCrossRegionFiling Decide => new(Store, Clocks.Policy(_time));
    private GetCrossRegionFiling Get => new(Store);
    private ListCrossRegionFilings List => new(Store, Clocks.Policy(_time));
    private IDatabase Db => redis.Connection.GetDatabase();

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await new CreateRegion(Directory, Clocks.Policy(_time)).ExecuteAsync(Hq, new RegionInput("R-EAST", "华东大区"));
        await new CreateRegion(Directory, Clocks.Policy(_time)).ExecuteAsync(Hq, new RegionInput("R-WEST", "西部大区"));
        await new HireEmployee(Directory, Clocks.Policy(_time)).ExecuteAsync(Hq, new EmployeeInput("RM-W", "西部经理", Roles.RegionalManager, null, "R-WEST", null, null), Day(2020, 1, 1));
        await Db.KeyDeleteAsync(_outbox.StreamKey);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<Versioned<CrossRegionFiling>> SubmitAsync(string? requestId = null) =>
        Submit.ExecuteAsync(Seller, new CrossRegionFilingInput(requestId, "R-WEST", new CustomerRef(null, "91350100M000100Y43", "成都某某有限公司"), "客户在西部"));

    private async Task<List<T>> EventsAsync<T>() =>
        [.. (await Db.StreamRangeAsync(_outbox.StreamKey)).Where(e => (string)e["type"]! == typeof(T).FullName)
            .Select(e => JsonSerializer.Deserialize<T>((string)e["body"]!, RedisOutbox.Json)!)];

    private EscalateOverdueFilings Worker() => new(Store, Clocks.Policy(_time));

    [Fact]
    public async Task P10_a_submission_waits_in_the_target_secretarys_queue_with_its_deadline_and_is_announced()
    {
        var filing = await SubmitAsync();

        Assert.Equal(_time.GetUtcNow().AddHours(24), filing.Value.Deadline);
        var queue = await List.ExecuteAsync(Secretary, FilingQueue.ToConfirm, 0, null);
        Assert.Equal([filing.Value.Id], queue.Items.Select(f => f.Value.Id));
        var submitted = Assert.Single(await EventsAsync<CrossRegionFilingSubmitted>());
        Assert.Equal(filing.Value.Deadline, submitted.Deadline);
        Assert.Equal(filing.Value.Deadline.ToUnixTimeMilliseconds(), await Db.SortedSetScoreAsync(SalesKeys.FilingsDue, filing.Value.Id));
    }

    [Fact]
    public async Task P10_one_second_before_the_deadline_nothing_escalates_and_at_the_deadline_it_escalates_once()
    {
        var id = (await SubmitAsync()).Value.Id;

        _time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await Worker().RunOnceAsync());
        Assert.Empty(await EventsAsync<CrossRegionEscalated>());

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await Worker().RunOnceAsync());
        _time.Advance(TimeSpan.FromHours(5));
        Assert.Equal(0, await Worker().RunOnceAsync());

        var escalated = Assert.Single(await EventsAsync<CrossRegionEscalated>());
        Assert.Equal(["RM-W"], escalated.TargetRegionalManagerIds);
        Assert.Equal(escalated.Deadline, escalated.EscalatedAt);
        Assert.Equal([id], (await List.ExecuteAsync(Hq, FilingQueue.Escalated, 0, null)).Items.Select(f => f.Value.Id));
        Assert.Equal([id], (await List.ExecuteAsync(Manager, FilingQueue.Escalated, 0, null)).Items.Select(f => f.Value.Id));
        Assert.Empty((await List.ExecuteAsync(Secretary, FilingQueue.ToConfirm, 0, null)).Items);
        Assert.Equal(0, await Db.SortedSetLengthAsync(SalesKeys.FilingsDue));
    }

    [Fact]
    public async Task P10_replicas_draining_the_due_queue_at_the_same_time_escalate_each_filing_exactly_once()
    {
        for (var i = 0; i < 20; i++)
        {
            await SubmitAsync();
        }

        _time.Advance(TimeSpan.FromHours(25));
        var counts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Worker().RunOnceAsync())));
        counts = [.. counts, .. await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Worker().RunOnceAsync())))];

        Assert.Equal(20, counts.Sum());
        Assert.Equal(20, (await EventsAsync<CrossRegionEscalated>()).Select(e => e.FilingId).Distinct().Count());
        Assert.Equal(20, (await EventsAsync<CrossRegionEscalated>()).Count);
    }

    [Fact]
    public async Task P10_the_deadline_is_evaluated_when_asked_a_late_secretary_is_refused_even_before_the_worker_ran()
    {
        var id = (await SubmitAsync()).Value.Id;
        _time.Advance(TimeSpan.FromHours(24));

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => Answer.ExecuteAsync(Secretary, id, confirm: true, null));

        Assert.Equal("P-10", refusal.RuleId);
        Assert.Equal(FilingStatuses.Escalated, CrossRegionRules.StatusAt((await Get.ExecuteAsync(Hq, id)).Value, _time.GetUtcNow()));
        Assert.Empty(await EventsAsync<CrossRegionFilingDecided>());
    }

    [Fact]
    public async Task P10_P4_1_a_filing_confirmed_in_time_never_escalates_and_waits_in_hqs_queue_until_hq_approves()
    {
        var id = (await SubmitAsync()).Value.Id;
        _time.Advance(TimeSpan.FromHours(23));

        var confirmed = await Answer.ExecuteAsync(Secretary, id, confirm: true, "同意");
        _time.Advance(TimeSpan.FromDays(3));

        Assert.Equal(FilingStatuses.Confirmed, confirmed.Value.Status);
        Assert.Equal(0, await Worker().RunOnceAsync());
        Assert.Empty(await EventsAsync<CrossRegionEscalated>());
        Assert.Equal(FilingStatuses.Confirmed, Assert.Single(await EventsAsync<CrossRegionFilingDecided>()).Outcome);
        Assert.Equal(0, await Db.SortedSetLengthAsync(SalesKeys.FilingsDue));
        Assert.Empty((await List.ExecuteAsync(Secretary, FilingQueue.ToConfirm, 0, null)).Items);
        Assert.Equal(id, Assert.Single((await List.ExecuteAsync(Hq, FilingQueue.ToApprove, 0, null)).Items).Value.Id);
        Assert.Empty(await CoveringTodayAsync());

        var approved = await Decide.ExecuteAsync(Hq, id, approve: true, null);

        Assert.Equal(FilingStatuses.Approved, approved.Value.Status);
        Assert.Empty((await List.ExecuteAsync(Hq, FilingQueue.ToApprove, 0, null)).Items);
        Assert.Single(await CoveringTodayAsync());
    }

    [Fact]
    public async Task P10_after_escalation_both_decisions_are_recorded_each_leaves_its_deciders_queue_and_both_approvals_approve()
    {
        var id = (await SubmitAsync()).Value.Id;
        _time.Advance(TimeSpan.FromHours(24));
        await Worker().RunOnceAsync();

        var half = await Decide.ExecuteAsync(Manager, id, approve: true, "同意跨区");

        Assert.Equal(FilingStatuses.Escalated, half.Value.Status);
        Assert.Empty((await List.ExecuteAsync(Manager, FilingQueue.Escalated, 0, null)).Items);
        Assert.True(Assert.Single((await List.ExecuteAsync(Hq, FilingQueue.Escalated, 0, null)).Items).Value.ManagerDecision!.Approve);
        Assert.Empty(await CoveringTodayAsync());

        _time.Advance(TimeSpan.FromHours(1));
        var approved = await Decide.ExecuteAsync(Hq, id, approve: true, "总部同意");

        Assert.Equal(FilingStatuses.Approved, approved.Value.Status);
        Assert.Equal(("RM-W", "HQ1"), (approved.Value.ManagerDecision!.DecidedBy, approved.Value.HqDecision!.DecidedBy));
        Assert.Empty((await List.ExecuteAsync(Hq, FilingQueue.Escalated, 0, null)).Items);
        Assert.Equal([(FilingStatuses.Escalated, Roles.RegionalManager, (bool?)true), (FilingStatuses.Approved, Roles.Hq, true)],
            (await EventsAsync<CrossRegionFilingDecided>()).Select(e => (e.Outcome, e.DeciderRole, e.Approve)));
        Assert.Single(await CoveringTodayAsync());
    }

    [Fact]
    public async Task P10_hq_deciding_before_the_secretary_answered_and_before_24_hours_is_refused_and_nothing_is_written()
    {
        var id = (await SubmitAsync()).Value.Id;
        _time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => Decide.ExecuteAsync(Hq, id, approve: true, null));

        Assert.Equal("P-10", refusal.RuleId);
        Assert.Equal(1, (await Get.ExecuteAsync(Hq, id)).Version);
        Assert.Empty(await EventsAsync<CrossRegionFilingDecided>());
    }

    [Fact]
    public async Task P10_an_approval_recorded_before_the_worker_ran_keeps_that_decider_out_of_the_escalated_queue()
    {
        var id = (await SubmitAsync()).Value.Id;
        _time.Advance(TimeSpan.FromHours(24));
        await Decide.ExecuteAsync(Hq, id, approve: true, null);

        Assert.Equal(1, await Worker().RunOnceAsync());

        Assert.Empty((await List.ExecuteAsync(Hq, FilingQueue.Escalated, 0, null)).Items);
        Assert.Single((await List.ExecuteAsync(Manager, FilingQueue.Escalated, 0, null)).Items);
        Assert.Equal(FilingStatuses.Approved, (await Decide.ExecuteAsync(Manager, id, approve: true, null)).Value.Status);
    }

    private async Task<List<CrossRegionFiling>> CoveringTodayAsync() =>
        [.. (await Store.FilingsCoveringAsync("S1", "R-WEST", "uscc:91350100M000100Y43")).Where(f => CrossRegionRules.Covers(f, Dates.ToDateOnly(PolicyTime.Today(_time))))];

    [Fact]
    public async Task The_server_makes_the_id_and_the_same_request_id_again_answers_the_first_request_and_changes_nothing()
    {
        var first = await SubmitAsync("retry-1");
        var again = await SubmitAsync("retry-1");
        var other = await SubmitAsync();

        Assert.StartsWith("XR-", first.Value.Id);
        Assert.Equal(first.Value.Id, again.Value.Id);
        Assert.Equal(1, again.Version);
        Assert.NotEqual(first.Value.Id, other.Value.Id);
        Assert.Equal(2, (await EventsAsync<CrossRegionFilingSubmitted>()).Count);
    }

    [Fact]
    public async Task A_request_id_reused_for_another_customer_is_bad_input_on_request_id_and_writes_nothing()
    {
        await SubmitAsync("retry-1");

        var reused = await Assert.ThrowsAsync<RequestValidationException>(() => Submit.ExecuteAsync(Seller,
            new CrossRegionFilingInput("retry-1", "R-WEST", new CustomerRef(null, null, "另一家公司"), null)));

        Assert.Equal("request_id", Assert.Single(reused.Violations).Field);
        Assert.Single(await EventsAsync<CrossRegionFilingSubmitted>());
    }

    [Fact]
    public async Task A_request_stored_under_an_id_its_caller_chose_before_ids_were_made_by_the_server_is_still_read_and_answered()
    {
        var made = (await SubmitAsync()).Value with { Id = "F-OLD" };
        var key = DirectoryKeys.Entity(SalesKeys.Filing, made.Id);
        await Store.Directory.CommitAsync(new AtomicChange().Expect(key, 0).Put(key, 1, DirectoryStore.Encode(made))
            .IndexAdd(SalesKeys.FilingsToConfirm(made.TargetRegionId), made.Id, made.SubmittedAt.ToUnixTimeMilliseconds()));

        var confirmed = await Answer.ExecuteAsync(Secretary, "F-OLD", confirm: true, null);

        Assert.Equal(FilingStatuses.Confirmed, confirmed.Value.Status);
        Assert.Equal("F-OLD", (await Get.ExecuteAsync(Hq, "F-OLD")).Value.Id);
    }

    [Fact]
    public async Task A_filing_into_ones_own_region_or_an_unknown_region_is_bad_input()
    {
        var own = await Assert.ThrowsAsync<RequestValidationException>(() => Submit.ExecuteAsync(Seller,
            new CrossRegionFilingInput(null, "R-EAST", new CustomerRef(null, null, "某公司"), null)));
        var unknown = await Assert.ThrowsAsync<RequestValidationException>(() => Submit.ExecuteAsync(Seller,
            new CrossRegionFilingInput(null, "R-NOPE", new CustomerRef(null, null, "某公司"), null)));

        Assert.Equal("target_region_id", Assert.Single(own.Violations).Field);
        Assert.Equal("target_region_id", Assert.Single(unknown.Violations).Field);
    }
}
