using System.Text.Json;
using CustomerProtection.Arbitration.Application;
using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;
using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Contracts.Violations;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Storage;
using CustomerProtection.Testing;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using static CustomerProtection.Arbitration.Tests.TestData;

namespace CustomerProtection.Arbitration.Tests;

/// <summary>
/// Cases against a real redis-server: state, dispute marker, due-queue and events in one atomic
/// step; races; the due-queue acting on each deadline exactly once. Registration and Territory are
/// known answers (their gRPC clients are not under test here).
/// </summary>
public sealed class CaseStoreTests(RedisServer redis) : ArbitrationRig(redis), IClassFixture<RedisServer>, IAsyncLifetime
{
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
        [.. (await Db.StreamRangeAsync(Outbox.StreamKey)).Select(e => ((string)e["type"]!, JsonDocument.Parse((string)e["body"]!).RootElement))];

    private async Task<List<string>> TypesAsync() => [.. (await EventsAsync()).Select(e => e.Type.Split('.')[^1])];

    private Task<Versioned<Case>> ObjectAsync(string objector = Objector) =>
        FileObjection.ExecuteAsync(Salesperson(objector), new ObjectionInput("cust1", "我方先跟进 / we followed it first", null), CancellationToken.None);

    [Fact]
    public async Task P2_2_an_objection_in_the_window_writes_the_case_the_marker_and_CaseOpened_in_one_step()
    {
        Time.SetUtcNow(D("2026-03-13").ToDateTime(new TimeOnly(10, 0)) - TimeSpan.FromHours(8));

        var opened = await ObjectAsync();

        var stored = await Store.GetCaseAsync(opened.Value.Id);
        Assert.Equal((CaseKinds.Objection, Owner, "P-9.1"), (stored!.Value.Kind, stored.Value.RespondentId, stored.Value.Recommendation!.DecidingRule));
        Assert.Equal(D("2026-03-13"), stored.Value.WindowDeadline);
        Assert.Equal(opened.Value.Id, (await Store.GetMarkerAsync("cust1"))!.Value.OpenCaseId);
        var (type, body) = Assert.Single(await EventsAsync());
        Assert.EndsWith(nameof(CaseOpened), type);
        Assert.Equal(Objector, body.GetProperty("claimantId").GetString());
    }

    [Fact]
    public async Task P2_2_a_late_objection_is_refused_and_nothing_is_written()
    {
        Time.SetUtcNow(new DateTimeOffset(2026, 3, 16, 9, 0, 0, TimeSpan.FromHours(8)));

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => ObjectAsync());

        Assert.Equal("2026-03-13", refusal.Metadata["deadline"]);
        Assert.Null(await Store.GetMarkerAsync("cust1"));
        Assert.Equal(0, await Db.StreamLengthAsync(Outbox.StreamKey));
    }

    [Fact]
    public async Task Concurrent_objections_to_one_customer_open_exactly_one_case_the_others_name_it()
    {
        var attempts = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                return (await ObjectAsync("S-" + i)).Value.Id;
            }
            catch (PolicyRefusalException ex) when (ex.Code == RefusalCode.AlreadyExists)
            {
                return "refused:" + ex.Metadata["open_case_id"];
            }
        }));

        var outcomes = await Task.WhenAll(attempts);

        var winner = Assert.Single(outcomes, o => !o.StartsWith("refused:", StringComparison.Ordinal));
        Assert.All(outcomes.Where(o => o != winner), o => Assert.Equal("refused:" + winner, o));
        Assert.Equal([nameof(CaseOpened)], await TypesAsync());
    }

    [Fact]
    public async Task A_decision_lifts_the_marker_with_CaseClosed_so_that_a_new_case_can_open()
    {
        var opened = await ObjectAsync();

        await DecideCase.ExecuteAsync(Manager, new DecisionInput(opened.Value.Id, Objector, null, null, "异议成立", []), CancellationToken.None);
        var again = await ObjectAsync(Third);

        Assert.Equal([nameof(CaseOpened), nameof(OwnershipAwarded), nameof(CaseClosed), nameof(CaseOpened)], await TypesAsync());
        Assert.Equal(again.Value.Id, (await Store.GetMarkerAsync("cust1"))!.Value.OpenCaseId);
    }

    [Fact]
    public async Task P4_5_a_confirmed_encroachment_publishes_ViolationConfirmed_with_the_party_the_shipments_and_a_stable_id()
    {
        await new RecordDeal(Store).ApplyAsync(Sale("SALE-1", Third, D("2026-01-05"), 600_000m));
        var opened = await FileEncroachmentComplaint.ExecuteAsync(Salesperson(Owner), new EncroachmentInput("cust1", Third, Day("2026-03-09"), "抢单 / took my customer"), CancellationToken.None);
        Assert.Equal(Owner, opened.Value.Recommendation!.RecommendedId);

        var decided = await DecideCase.ExecuteAsync(TestData.Hq, new DecisionInput(opened.Value.Id, null, null, null, "侵占成立 / encroachment confirmed",
            [new FindingInput(Third, "P-4.5", "encroachment", ManagerFindings.Negligent)]), CancellationToken.None);

        var violation = (await EventsAsync()).Single(e => e.Type.EndsWith(nameof(ViolationConfirmed), StringComparison.Ordinal)).Body;
        Assert.Equal($"arb:{opened.Value.Id}:{Third}:P-4.5", violation.GetProperty("violationId").GetString());
        Assert.Equal(Manager.EmployeeId, violation.GetProperty("violator").GetProperty("managerId").GetString());
        Assert.Equal(600_000m, violation.GetProperty("customerAnnualShipments").GetDecimal());
        Assert.Equal([violation.GetProperty("violationId").GetString()!], decided.Value.ViolationIds);

        // A second decision on the closed case is refused: the violation is confirmed once.
        await Assert.ThrowsAsync<PolicyRefusalException>(() => DecideCase.ExecuteAsync(TestData.Hq, new DecisionInput(opened.Value.Id, null, null, null, "again",
            [new FindingInput(Third, "P-4.5", "encroachment", ManagerFindings.Negligent)]), CancellationToken.None));
        Assert.Single(await TypesAsync(), t => t == nameof(ViolationConfirmed));
    }

    [Fact]
    public async Task P4_5_only_the_injured_party_complains_the_owner_a_co_developer_or_the_owners_branch_manager_on_their_behalf()
    {
        Registration.Customers["cust1"] = Customer(coDevelopers: "S-CO");

        foreach (var outsider in new[] { Salesperson(Objector), TestData.Hq, OtherManager, Secretary })
        {
            var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => FileEncroachmentComplaint.ExecuteAsync(outsider,
                new EncroachmentInput("cust1", Third, Day("2026-03-09"), "抢单"), CancellationToken.None));
            Assert.Equal(("P-4.5", RefusalCode.PermissionDenied), (refusal.RuleId, refusal.Code));
        }

        Assert.Equal(0, await Db.StreamLengthAsync(Outbox.StreamKey));

        var byManager = await FileEncroachmentComplaint.ExecuteAsync(Manager, new EncroachmentInput("cust1", Third, Day("2026-03-09"), "替负责人投诉 / on the owner's behalf"), CancellationToken.None);
        Assert.Equal((Owner, Manager.EmployeeId), (byManager.Value.ClaimantId, byManager.Value.OpenedBy));
        Assert.Equal(Owner, byManager.Value.Recommendation!.RecommendedId);
        await DecideCase.ExecuteAsync(TestData.Hq, new DecisionInput(byManager.Value.Id, null, null, null, "不成立 / unfounded", []), CancellationToken.None);

        var byCoDeveloper = await FileEncroachmentComplaint.ExecuteAsync(Salesperson("S-CO"), new EncroachmentInput("cust1", Third, Day("2026-03-09"), "抢单"), CancellationToken.None);
        Assert.Equal("S-CO", byCoDeveloper.Value.ClaimantId);
    }

    [Fact]
    public async Task P4_5_for_a_customer_nobody_holds_the_branch_manager_is_the_injured_party()
    {
        Registration.Customers["cust1"] = Customer(owner: null, status: "pool");

        var opened = await FileEncroachmentComplaint.ExecuteAsync(Manager, new EncroachmentInput("cust1", Third, Day("2026-03-09"), "跨区未批销售 / unapproved cross-region sale"), CancellationToken.None);

        Assert.Equal(Manager.EmployeeId, opened.Value.ClaimantId);
    }

    [Fact]
    public async Task P6_a_party_found_in_breach_about_the_customer_before_loses_to_the_party_that_followed_the_process()
    {
        // Nobody holds the customer, so no filing separates the branch manager and the accused (P-9.1);
        // the accused has the further evidence (P-9.2), which decides while they have no breach on record.
        Registration.Customers["cust1"] = Customer(owner: null, status: "pool");
        Registration.Progress.Add(new ProgressFact("cust1", "trial", D("2026-03-05"), "photo", Third));
        var first = await FileEncroachmentComplaint.ExecuteAsync(Manager, new EncroachmentInput("cust1", Third, Day("2026-03-09"), "经代理商报价 / quoted through an agent"), CancellationToken.None);
        Assert.Equal((Third, "P-9.2"), (first.Value.Recommendation!.RecommendedId, first.Value.Recommendation.DecidingRule));
        Assert.Null(first.Value.Recommendation.Reasons.Single(r => r.RuleId == "P-6").Favours);
        await DecideCase.ExecuteAsync(TestData.Hq, new DecisionInput(first.Value.Id, null, null, null, "成立 / confirmed",
            [new FindingInput(Third, "P-5", "agent_quote", ManagerFindings.None)]), CancellationToken.None);

        var again = await FileEncroachmentComplaint.ExecuteAsync(Manager, new EncroachmentInput("cust1", Third, Day("2026-03-10"), "再次 / again"), CancellationToken.None);

        var priority = again.Value.Recommendation!;
        Assert.Equal((Manager.EmployeeId, "P-6"), (priority.RecommendedId, priority.DecidingRule));
        Assert.Contains("P-5", priority.Reasons.Single(r => r.RuleId == "P-6").Finding, StringComparison.Ordinal);
        Assert.Contains(again.Value.Id, await Store.AllAsync(ArbitrationKeys.PersonCases(Manager.EmployeeId)));
    }

    [Fact]
    public async Task P2_4b_a_met_claim_is_settled_by_the_due_queue_exactly_once_even_with_two_workers()
    {
        var opened = await ObjectAsync();
        await ResolveBySurpassingClaim.ExecuteAsync(Manager, opened.Value.Id, Milestones.Deal, Day("2026-04-10"), "超越进度");
        await new RecordDeal(Store).ApplyAsync(Sale("SALE-9", Objector, D("2026-04-01"), 20_000m));

        // Before 24:00 of the date nothing happens, however often the workers look.
        Time.SetUtcNow(new DateTimeOffset(2026, 4, 10, 23, 59, 0, TimeSpan.FromHours(8)));
        Assert.Equal(0, await Due.RunOnceAsync(CancellationToken.None));

        Time.SetUtcNow(new DateTimeOffset(2026, 4, 11, 0, 0, 1, TimeSpan.FromHours(8)));
        var acted = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Due.RunOnceAsync(CancellationToken.None))));
        Assert.Equal(0, await Due.RunOnceAsync(CancellationToken.None));

        Assert.Equal(1, acted.Sum());
        var settled = (await Store.GetCaseAsync(opened.Value.Id))!.Value;
        Assert.Equal((Outcomes.ClaimMet, Objector, LedgerStatuses.Refunded), (settled.Outcome, settled.OwnerId, settled.Ledger.Single().Status));
        Assert.Equal([nameof(CaseOpened), nameof(OwnershipAwarded), nameof(DepositSettled), nameof(CaseClosed)], await TypesAsync());
        Assert.Null(await Store.DueAtAsync(ArbitrationKeys.DueCase(opened.Value.Id)));
        Assert.Null((await Store.GetMarkerAsync("cust1"))!.Value.OpenCaseId);
    }

    [Fact]
    public async Task P2_4b_a_trial_milestone_is_read_from_Registration_at_the_date_and_a_missing_one_forfeits()
    {
        var opened = await ObjectAsync();
        await ResolveBySurpassingClaim.ExecuteAsync(Manager, opened.Value.Id, Milestones.Trial, Day("2026-04-10"), "超越进度");
        Registration.Progress.Add(new ProgressFact("cust1", "trial", D("2026-04-02"), null, Objector));   // no evidence: does not count
        var readsBefore = Registration.ProgressReads;

        Time.SetUtcNow(new DateTimeOffset(2026, 4, 12, 9, 0, 0, TimeSpan.FromHours(8)));
        Assert.Equal(1, await Due.RunOnceAsync(CancellationToken.None));

        var settled = (await Store.GetCaseAsync(opened.Value.Id))!.Value;
        Assert.Equal((Outcomes.ClaimMissed, Owner), (settled.Outcome, settled.OwnerId));
        Assert.Equal(readsBefore + 1, Registration.ProgressReads);
        var deposit = (await EventsAsync()).Single(e => e.Type.EndsWith(nameof(DepositSettled), StringComparison.Ordinal)).Body;
        Assert.Equal((LedgerStatuses.Forfeited, 5_000m), (deposit.GetProperty("outcome").GetString(), deposit.GetProperty("amount").GetDecimal()));
    }

    [Fact]
    public async Task P2_4c_three_bidders_the_highest_wins_misses_and_the_second_takes_over_with_the_ledger_per_person()
    {
        var opened = await ObjectAsync();
        await ResolveByAuction.ExecuteAsync(Manager, opened.Value.Id, Day("2026-03-20"), "竞拍");
        await PlaceBid.ExecuteAsync(Salesperson(Owner), opened.Value.Id, "5000", Milestones.Trial);
        await PlaceBid.ExecuteAsync(Salesperson(Objector), opened.Value.Id, "12000.50", Milestones.Deal);
        await PlaceBid.ExecuteAsync(Salesperson(Third), opened.Value.Id, "8000", Milestones.Deal);

        Time.SetUtcNow(new DateTimeOffset(2026, 3, 21, 0, 0, 0, TimeSpan.FromHours(8)));
        Assert.Equal(1, await Due.RunOnceAsync(CancellationToken.None));
        Assert.Equal(Objector, (await Store.GetCaseAsync(opened.Value.Id))!.Value.OwnerId);

        Time.SetUtcNow(new DateTimeOffset(2026, 4, 21, 0, 0, 0, TimeSpan.FromHours(8)));
        Assert.Equal(1, await Due.RunOnceAsync(CancellationToken.None));

        var afterMiss = (await Store.GetCaseAsync(opened.Value.Id))!.Value;
        Assert.Equal((CaseStatuses.AuctionCommitment, Third), (afterMiss.Status, afterMiss.OwnerId));
        var awards = (await EventsAsync()).Where(e => e.Type.EndsWith(nameof(OwnershipAwarded), StringComparison.Ordinal)).Select(e => e.Body.GetProperty("ownerId").GetString()).ToList();
        Assert.Equal([Objector, Third], awards);

        var ledger = await new QueryCases(Store).LedgerAsync(Salesperson(Objector), null, Objector);
        var entry = Assert.Single(ledger.Entries);
        Assert.Equal((12_000.50m, LedgerStatuses.Forfeited), (entry.Amount, entry.Status));
        Assert.Equal(13_000m, (await new QueryCases(Store).LedgerAsync(Manager, opened.Value.Id, null)).Sum(LedgerStatuses.Held));
    }

    [Fact]
    public async Task A_deal_delivered_twice_is_recorded_once()
    {
        var sale = Sale("SALE-7", Objector, D("2026-03-11"), 1_000m);
        await new RecordDeal(Store).ApplyAsync(sale);
        await new RecordDeal(Store).ApplyAsync(sale);

        Assert.Single(await Store.DealsAsync("uscc:cust1", D("2026-01-01"), D("2026-12-31")));
    }

    [Fact]
    public async Task M3_an_unanswered_complaint_escalates_to_the_branch_manager_once_and_an_answered_one_leaves_the_queue()
    {
        var late = await new RecordCustomerComplaint(Store, Registration, Policy, ResponseTimeBook.Default).ExecuteAsync(Salesperson(Owner), new ComplaintInput("cust1", Owner, "phone", null, "送货延误"), CancellationToken.None);
        var answered = await new RecordCustomerComplaint(Store, Registration, Policy, ResponseTimeBook.Default).ExecuteAsync(Secretary, new ComplaintInput("cust1", null, "email", null, "发票错误"), CancellationToken.None);
        await new AnswerCustomerComplaint(Store, Policy).ExecuteAsync(Secretary, answered.Value.Id, "已重开发票");
        Assert.Equal(D("2026-03-12"), late.Value.ResponseDueOn);

        Time.SetUtcNow(new DateTimeOffset(2026, 3, 13, 0, 0, 0, TimeSpan.FromHours(8)));
        Assert.Equal(1, await Due.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await Due.RunOnceAsync(CancellationToken.None));

        var escalated = (await EventsAsync()).Single().Body;
        Assert.Equal((late.Value.Id, Manager.EmployeeId), (escalated.GetProperty("complaintId").GetString(), escalated.GetProperty("managerId").GetString()));
        Assert.Equal(0, await Db.SortedSetLengthAsync(ArbitrationKeys.Due));
    }

    /// <summary>Issue 21: only hq and branch managers decide cases: anyone else is refused before the input is checked or the case looked up.</summary>
    [Fact]
    public async Task Deciding_a_case_refuses_another_role_before_reading_the_input_or_the_case()
    {
        foreach (var caller in new[] { Salesperson("S1"), Secretary })
        {
            await Assert.ThrowsAsync<ScopeDeniedException>(() => DecideCase.ExecuteAsync(caller, new DecisionInput("NO-SUCH-CASE", null, null, null, "", []), CancellationToken.None));
            await Assert.ThrowsAsync<ScopeDeniedException>(() => DecideCase.ExecuteAsync(caller, new DecisionInput("", null, null, null, null!, []), CancellationToken.None));
        }

        await Assert.ThrowsAsync<RequestValidationException>(() => DecideCase.ExecuteAsync(Manager, new DecisionInput("", null, null, null, null!, []), CancellationToken.None));
    }

    private static SaleRecorded Sale(string id, string seller, DateOnly day, decimal amount) =>
        new(id, "uscc:cust1", "cust1", seller, Branch, "R-EAST", "P1", amount, 1m, amount, day, false, Start);
}
