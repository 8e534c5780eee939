using System.Text.Json;
using CustomerProtection.Arbitration.Application;
using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;
using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Storage;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using static CustomerProtection.Arbitration.Tests.TestData;

namespace CustomerProtection.Arbitration.Tests;

/// <summary>
/// Issue 18 against a real redis-server: objections only to announced filings (P-2.2, P-13), awards
/// only to active people (C-9, P-12), and Registration's refusal of an award recorded on the case once.
/// </summary>
public sealed class OwnershipStoreTests(RedisServer redis) : ArbitrationRig(redis), IClassFixture<RedisServer>, IAsyncLifetime
{
    private RecordAwardRefusal Refusals => new(Store, Directory, Policy);

    public Task InitializeAsync()
    {
        Registration.Customers["cust1"] = Customer();
        foreach (var person in new[] { Owner, Objector, Third })
        {
            Directory.Employees[person] = Employee(person);
        }

        Directory.BranchManagers[Branch] = Manager.EmployeeId;
        return Redis.FlushAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<List<(string Type, JsonElement Body)>> EventsAsync() =>
        [.. (await Db.StreamRangeAsync(Outbox.StreamKey)).Select(e => (((string)e["type"]!).Split('.')[^1], JsonDocument.Parse((string)e["body"]!).RootElement))];

    private async Task<List<string>> TypesAsync() => [.. (await EventsAsync()).Select(e => e.Type)];

    private Task<Versioned<Case>> ObjectAsync(string objector = Objector, string role = Roles.Salesperson) =>
        FileObjection.ExecuteAsync(new Caller(objector, role, Branch, "R-EAST"), new ObjectionInput("cust1", "我方先跟进 / we followed it first", null), CancellationToken.None);

    private Task<Versioned<Case>> DecideAsync(string caseId, string awardTo) =>
        DecideCase.ExecuteAsync(Manager, new DecisionInput(caseId, awardTo, null, null, "异议成立 / the objection stands", []), CancellationToken.None);

    private static OwnershipAwardRefused Refused(Case @case, string ruleId = "X-1") => new(
        @case.Id, @case.CustomerId, @case.Awards[^1].OwnerId, ruleId, $"{@case.Awards[^1].OwnerId} 已达保有量上限 / is at the holding cap",
        new Dictionary<string, string> { ["cap"] = "200", ["count"] = "200" }, @case.Awards[^1].DecidedAt, @case.Awards[^1].DecidedAt.AddSeconds(1));

    // ---- P-2.2, P-13 ------------------------------------------------------------------------------------

    [Fact]
    public async Task P13_an_objection_to_a_reallocated_customer_is_refused()
    {
        // Reallocated by the branch manager today (P-13): protected, approved today, no window announced.
        Registration.Customers["cust1"] = Customer(approvedOn: D("2026-03-10"), announced: false);

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => ObjectAsync());

        Assert.Equal("P-13", refusal.RuleId);
        Assert.Equal(("cust1", "protected"), (refusal.Metadata["customer_id"], refusal.Metadata["status"]));
        Assert.Null(await Store.GetMarkerAsync("cust1"));
        Assert.Equal(0, await Db.StreamLengthAsync(Outbox.StreamKey));
    }

    [Fact]
    public async Task P2_2_an_objection_within_the_window_of_an_approved_filing_is_taken()
    {
        // Approved (announced) on Tuesday 2026-03-10; Friday 03-13 is the 3rd working day after it.
        Time.SetUtcNow(new DateTimeOffset(2026, 3, 13, 17, 0, 0, TimeSpan.FromHours(8)));

        var opened = await ObjectAsync();

        Assert.Equal((CaseKinds.Objection, D("2026-03-10"), D("2026-03-13")), (opened.Value.Kind, opened.Value.AnnouncedOn, opened.Value.WindowDeadline));
        Assert.Equal(opened.Value.Id, (await Store.GetMarkerAsync("cust1"))!.Value.OpenCaseId);
        Assert.Equal([nameof(CaseOpened)], await TypesAsync());
    }

    // ---- C-9, P-12 --------------------------------------------------------------------------------------

    [Fact]
    public async Task C9_a_decision_awarding_a_leaver_is_refused()
    {
        var opened = await ObjectAsync();
        Directory.Employees[Objector] = Employee(Objector, "left");

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => DecideAsync(opened.Value.Id, Objector));

        Assert.Equal("C-9", refusal.RuleId);
        Assert.Equal((Objector, "left"), (refusal.Metadata["employee_id"], refusal.Metadata["status"]));
        var stored = (await Store.GetCaseAsync(opened.Value.Id))!;
        Assert.Equal((1L, CaseStatuses.Open), (stored.Version, stored.Value.Status));
        Assert.Equal([nameof(CaseOpened)], await TypesAsync());
        Assert.Equal(opened.Value.Id, (await Store.GetMarkerAsync("cust1"))!.Value.OpenCaseId);
    }

    [Fact]
    public async Task C9_a_dealer_is_looked_up_among_the_dealers_and_a_terminated_one_is_not_given_the_customer()
    {
        const string dealer = "D-1";
        var opened = await ObjectAsync(dealer, Roles.Dealer);
        Directory.Dealers[dealer] = new EmployeeFacts(dealer, Roles.Dealer, Branch, "R-EAST", null, "terminated");

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => DecideAsync(opened.Value.Id, dealer));
        Assert.Equal(("C-9", "terminated"), (refusal.RuleId, refusal.Metadata["status"]));

        Directory.Dealers[dealer] = Directory.Dealers[dealer] with { Status = PersonStatuses.Active };
        Assert.Equal(dealer, (await DecideAsync(opened.Value.Id, dealer)).Value.OwnerId);
    }

    [Fact]
    public async Task P2_4c_runner_up_who_left_is_skipped()
    {
        var opened = await ObjectAsync();
        await ResolveByAuction.ExecuteAsync(Manager, opened.Value.Id, Day("2026-03-20"), "竞拍");
        await PlaceBid.ExecuteAsync(Salesperson(Owner), opened.Value.Id, "5000", Milestones.Trial);
        await PlaceBid.ExecuteAsync(Salesperson(Objector), opened.Value.Id, "12000", Milestones.Deal);
        await PlaceBid.ExecuteAsync(Salesperson(Third), opened.Value.Id, "8000", Milestones.Deal);
        Time.SetUtcNow(new DateTimeOffset(2026, 3, 21, 0, 0, 0, TimeSpan.FromHours(8)));
        Assert.Equal(1, await Due.RunOnceAsync(CancellationToken.None));

        // Third, the runner-up, leaves during Objector's commitment; Objector misses it.
        Directory.Employees[Third] = Employee(Third, "left");
        Time.SetUtcNow(new DateTimeOffset(2026, 4, 21, 0, 0, 0, TimeSpan.FromHours(8)));
        Assert.Equal(1, await Due.RunOnceAsync(CancellationToken.None));

        var after = (await Store.GetCaseAsync(opened.Value.Id))!.Value;
        Assert.Equal((CaseStatuses.AuctionCommitment, Owner), (after.Status, after.OwnerId));
        Assert.Equal([Third], after.Auction!.SkippedBidderIds);
        var events = await EventsAsync();
        Assert.Equal([Objector, Owner], events.Where(e => e.Type == nameof(OwnershipAwarded)).Select(e => e.Body.GetProperty("ownerId").GetString()));
        Assert.Equal([(Objector, LedgerStatuses.Forfeited), (Third, LedgerStatuses.Refunded)],
            events.Where(e => e.Type == nameof(DepositSettled)).Select(e => (e.Body.GetProperty("personId").GetString(), e.Body.GetProperty("outcome").GetString())));
    }

    // ---- Registration refused an award --------------------------------------------------------------------

    [Fact]
    public async Task X1_an_award_refused_by_registration_is_recorded_on_the_case_once()
    {
        var opened = await ObjectAsync();
        var decided = await DecideAsync(opened.Value.Id, Objector);
        Assert.Null((await Store.GetMarkerAsync("cust1"))!.Value.OpenCaseId);
        var message = Refused(decided.Value);
        Time.Advance(TimeSpan.FromSeconds(5));

        // Delivered, then redelivered twice (two of the three at once).
        Assert.True(await Refusals.ApplyAsync(message, CancellationToken.None));
        var again = await Task.WhenAll(Refusals.ApplyAsync(message, CancellationToken.None), Refusals.ApplyAsync(message, CancellationToken.None));

        Assert.Equal([false, false], again);
        var stored = (await Store.GetCaseAsync(opened.Value.Id))!;
        Assert.Equal(3L, stored.Version);
        var recorded = Assert.Single(stored.Value.AwardRefusals);
        Assert.Equal((Objector, "X-1", "200", AwardRefusalEffects.Reopened), (recorded.OwnerId, recorded.RuleId, recorded.Details["count"], recorded.Effect));
        Assert.Equal((message.DecidedAt, message.RefusedAt, Start.AddSeconds(5)), (recorded.DecidedAt, recorded.RefusedAt, recorded.RecordedAt));
        Assert.Equal((CaseStatuses.Open, Owner), (stored.Value.Status, stored.Value.OwnerId));

        // Reopened: the customer is disputed again (the marker here, CaseOpened for Registration), once.
        Assert.Equal([nameof(CaseOpened), nameof(OwnershipAwarded), nameof(CaseClosed), nameof(CaseOpened)], await TypesAsync());
        var reopened = (await EventsAsync())[^1].Body;
        Assert.Equal((opened.Value.Id, Start.AddSeconds(5)), (reopened.GetProperty("caseId").GetString(), reopened.GetProperty("openedAt").GetDateTimeOffset()));
        Assert.Equal(opened.Value.Id, (await Store.GetMarkerAsync("cust1"))!.Value.OpenCaseId);
    }

    [Fact]
    public async Task X1_a_reopened_case_is_decided_again_and_closes_again()
    {
        var opened = await ObjectAsync();
        var decided = await DecideAsync(opened.Value.Id, Objector);
        await Refusals.ApplyAsync(Refused(decided.Value), CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(1));

        // The objector cannot take it (at the cap): the manager keeps the owner this time.
        var second = await DecideAsync(opened.Value.Id, Owner);

        Assert.Equal((CaseStatuses.Closed, Owner, Outcomes.Decided), (second.Value.Status, second.Value.OwnerId, second.Value.Outcome));
        Assert.Equal([(Objector, Owner)], second.Value.Awards.Select(a => (a.OwnerId, a.PreviousOwnerId)));
        Assert.Equal([nameof(CaseOpened), nameof(OwnershipAwarded), nameof(CaseClosed), nameof(CaseOpened), nameof(CaseClosed)], await TypesAsync());
        Assert.Null((await Store.GetMarkerAsync("cust1"))!.Value.OpenCaseId);
    }

    [Fact]
    public async Task X1_a_refused_auction_winner_is_followed_by_the_next_bidder_without_reopening_anything()
    {
        var opened = await ObjectAsync();
        await ResolveByAuction.ExecuteAsync(Manager, opened.Value.Id, Day("2026-03-20"), "竞拍");
        await PlaceBid.ExecuteAsync(Salesperson(Objector), opened.Value.Id, "12000", Milestones.Deal);
        await PlaceBid.ExecuteAsync(Salesperson(Third), opened.Value.Id, "8000", Milestones.Deal);
        Time.SetUtcNow(new DateTimeOffset(2026, 3, 21, 0, 0, 0, TimeSpan.FromHours(8)));
        await Due.RunOnceAsync(CancellationToken.None);
        var awarded = (await Store.GetCaseAsync(opened.Value.Id))!.Value;
        Time.SetUtcNow(new DateTimeOffset(2026, 3, 21, 0, 0, 2, TimeSpan.FromHours(8)));

        Assert.True(await Refusals.ApplyAsync(Refused(awarded), CancellationToken.None));

        var after = (await Store.GetCaseAsync(opened.Value.Id))!.Value;
        Assert.Equal((CaseStatuses.AuctionCommitment, Third, D("2026-03-21")), (after.Status, after.OwnerId, after.Auction!.CommitmentStartsOn!.Value));
        Assert.Equal([nameof(CaseOpened), nameof(OwnershipAwarded), nameof(OwnershipAwarded), nameof(DepositSettled)], await TypesAsync());
        var second = (await EventsAsync()).Where(e => e.Type == nameof(OwnershipAwarded)).Last().Body;
        Assert.Equal((Third, Owner), (second.GetProperty("ownerId").GetString(), second.GetProperty("previousOwnerId").GetString()));
        Assert.Equal(ArbitrationKeys.Score(after.Auction.CommitmentDueAt!.Value), await Store.DueAtAsync(ArbitrationKeys.DueCase(opened.Value.Id)));
    }
}
