using System.Text.Json;
using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Contracts.Violations;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Storage;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using CustomerProtection.Testing;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using static CustomerProtection.Territory.Tests.ProtoDay;

namespace CustomerProtection.Territory.Tests;

/// <summary>The sales ledger against a real redis-server: one atomic step per sale, idempotent recording, the violations it publishes.</summary>
public sealed class SalesLedgerStoreTests(RedisServer redis) : SalesRig(redis), IClassFixture<RedisServer>
{
    private static readonly Caller Erp = new("ERP-SAP", Roles.Erp, null, null);
    private static readonly Caller RegionalManagerWest = new("RM-W", Roles.RegionalManager, null, "R-WEST");

    private static OwnershipFacts ProtectedBy(string owner) =>
        new(true, "C1", Key, "无锡华光电子有限公司", owner, "B-SH", "R-EAST", "prospect", OwnershipStatuses.Protected,
            new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), true, [], null, null);

    private static SaleInput Shipment(string id, string seller = "S2", string price = "100.00", string quantity = "10", string day = "2026-03-10", string region = "R-EAST", bool agent = false) =>
        new(id, seller, new CustomerRef(null, Taxpayer, "无锡华光电子有限公司"), "P1", price, quantity, Day(day), region, agent, agent ? "某贸易公司" : null);

    private async Task<List<(string Type, string Body)>> OutboxAsync() =>
        [.. (await Db.StreamRangeAsync(Outbox.StreamKey)).Select(e => ((string)e["type"]!, (string)e["body"]!))];

    private async Task<List<T>> EventsAsync<T>() =>
        [.. (await OutboxAsync()).Where(e => e.Type == typeof(T).FullName).Select(e => JsonSerializer.Deserialize<T>(e.Body, RedisOutbox.Json)!)];

    [Fact]
    public async Task P5_a_poaching_sale_publishes_SaleRecorded_and_one_ViolationDetected_with_the_parties_and_their_managers()
    {
        Owners.Set(ProtectedBy("S1"));

        var recorded = await Recorder.ExecuteAsync(Hq, Shipment("ERP-1"), default);

        var violation = Assert.Single(recorded.Violations);
        Assert.Equal("P-5", violation.RuleId);
        var sale = Assert.Single(await EventsAsync<SaleRecorded>());
        Assert.Equal(("ERP-1", Key, "S2", 1000m), (sale.SaleId, sale.CustomerIdentityKey, sale.SellerId, sale.Amount));
        var detected = Assert.Single(await EventsAsync<ViolationDetected>());
        Assert.Equal(Violation.IdFor("ERP-1", "P-5"), detected.ViolationId);
        Assert.Equal(ViolationKinds.Poaching, detected.Kind);
        Assert.Equal(new ViolationParty("S2", Roles.Salesperson, "B-SH", "R-EAST", null), detected.Violator with { ManagerId = null });
        Assert.Equal(("S1", "M1"), (detected.InjuredEmployeeId, detected.InjuredManagerId));
        Assert.Equal("M1", Assert.Single(recorded.Violations).InjuredManagerId);
        Assert.Equal("C1", detected.CustomerId);
        Assert.Contains("ERP-1", detected.Evidence, StringComparison.Ordinal);
        Assert.Equal("S1", recorded.Sale.Value.CreditedTo);
    }

    [Fact]
    public async Task P8_1_the_violators_manager_is_their_own_manager_else_their_branchs_manager()
    {
        await new ChangeBranch(Directory, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new BranchUpdate("B-SH", null, "M1", null, 0));
        Owners.Set(ProtectedBy("S2"));

        var byBranch = await Recorder.ExecuteAsync(Hq, Shipment("ERP-2", seller: "S1"), default);

        Assert.Equal("M1", Assert.Single(byBranch.Violations).ViolatorManagerId);
        Assert.Equal("M1", Assert.Single(byBranch.Violations).InjuredManagerId); // S2 has none of their own: the branch's
        Owners.Set(ProtectedBy("S1"));
        var ownManagerMissing = await Recorder.ExecuteAsync(Hq, Shipment("ERP-3", seller: "S2"), default);
        Assert.Equal("M1", Assert.Single(ownManagerMissing.Violations).ViolatorManagerId);
    }

    [Fact]
    public async Task P5_recording_the_same_sale_twice_changes_nothing_and_publishes_nothing_more()
    {
        Owners.Set(ProtectedBy("S1"));
        var first = await Recorder.ExecuteAsync(Hq, Shipment("ERP-1"), default);
        var before = await OutboxAsync();

        var again = await Recorder.ExecuteAsync(Hq, Shipment("ERP-1"), default);

        Assert.Equal(before, await OutboxAsync());
        Assert.Equal(DirectoryStore.Encode(first.Sale), DirectoryStore.Encode(again.Sale));
        Assert.Equal(first.Violations.Select(v => v.Id), again.Violations.Select(v => v.Id));
    }

    [Fact]
    public async Task P5_the_same_sale_recorded_by_32_concurrent_retries_yields_one_sale_and_one_violation()
    {
        Owners.Set(ProtectedBy("S1"));

        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => Recorder.ExecuteAsync(Hq, Shipment("ERP-RACE"), default))));

        Assert.Single(await EventsAsync<SaleRecorded>());
        Assert.Single(await EventsAsync<ViolationDetected>());
        Assert.Equal(1, await Db.SortedSetLengthAsync(SalesKeys.AllViolations));
    }

    [Fact]
    public async Task A_used_sale_id_with_different_content_is_refused_and_nothing_is_written()
    {
        await Recorder.ExecuteAsync(Hq, Shipment("ERP-1"), default);
        var before = await OutboxAsync();

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => Recorder.ExecuteAsync(Hq, Shipment("ERP-1", price: "99.00"), default));

        Assert.Equal(RefusalCode.AlreadyExists, refusal.Code);
        Assert.Equal(before, await OutboxAsync());
        Assert.Equal(100m, (await Store.GetAsync<Sale>(SalesKeys.Sale, "ERP-1"))!.Value.UnitPrice);
    }

    [Fact]
    public async Task A_compliant_sale_publishes_SaleRecorded_and_its_C5_audit_entry_only()
    {
        var recorded = await Recorder.ExecuteAsync(Hq, Shipment("ERP-OK"), default);

        Assert.Empty(recorded.Violations);
        Assert.Equal([typeof(SaleRecorded).FullName!, typeof(DealTermsAccessed).FullName!], (await OutboxAsync()).Select(e => e.Type));
    }

    [Fact]
    public async Task Bad_input_is_refused_field_by_field_before_anything_is_read_or_written()
    {
        var bad = new SaleInput("ERP 1", "", new CustomerRef(null, "91350100M000100Y44", null), "P1", "12.345", "-1", Day(2026, 2, 30), "R-EAST", false, null);

        var error = await Assert.ThrowsAsync<RequestValidationException>(() => Recorder.ExecuteAsync(Hq, bad, default));

        Assert.Equal(["customer.taxpayer_id", "id", "quantity", "seller_id", "shipped_on", "unit_price"], error.Violations.Select(v => v.Field).Order());
        Assert.Equal(0, Owners.Calls);
        Assert.Empty(await OutboxAsync());
    }

    [Fact]
    public async Task P4_1_a_shipment_into_a_region_that_does_not_exist_is_bad_input_not_a_cross_region_violation()
    {
        var error = await Assert.ThrowsAsync<RequestValidationException>(() => Recorder.ExecuteAsync(Hq, Shipment("X-TYPO", region: "R-WESTT"), default));

        Assert.Equal("region_id", Assert.Single(error.Violations).Field);
        Assert.Empty(await OutboxAsync());
    }

    [Fact]
    public async Task Only_the_ERP_integration_and_hq_record_shipments()
    {
        await Assert.ThrowsAsync<ScopeDeniedException>(() => Recorder.ExecuteAsync(new Caller("S2", Roles.Salesperson, "B-SH", "R-EAST"), Shipment("ERP-1"), default));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => Recorder.ExecuteAsync(new Caller("M1", Roles.BranchManager, "B-SH", "R-EAST"), Shipment("ERP-1"), default));
        Assert.Empty(await OutboxAsync());

        Owners.Set(ProtectedBy("S1"));
        var posted = await Recorder.ExecuteAsync(Erp, Shipment("ERP-1"), default);

        Assert.Equal(("ERP-1", "ERP-SAP"), (posted.Sale.Value.Id, posted.Sale.Value.RecordedBy));
        Assert.Equal("P-5", Assert.Single(posted.Violations).RuleId);
        Assert.Single(await EventsAsync<SaleRecorded>());
        Assert.Single(await EventsAsync<ViolationDetected>());
    }

    [Fact]
    public async Task The_ERP_integration_reads_back_what_it_posted_and_nothing_else_and_never_asks_before_quoting()
    {
        Owners.Set(ProtectedBy("S1"));
        await Recorder.ExecuteAsync(Erp, Shipment("ERP-1"), default);
        await Recorder.ExecuteAsync(Hq, Shipment("HQ-KEYED", quantity: "1"), default);
        var query = new QuerySales(Store, Clocks.Policy(FakeClock));

        var own = await query.GetSaleAsync(Erp, "ERP-1");
        var notPosted = await Assert.ThrowsAsync<ScopeDeniedException>(() => query.GetSaleAsync(Erp, "HQ-KEYED"));
        var otherAccount = await Assert.ThrowsAsync<ScopeDeniedException>(() => query.GetSaleAsync(new Caller("ERP-OTHER", Roles.Erp, null, null), "ERP-1"));
        var quoting = await Assert.ThrowsAsync<ScopeDeniedException>(() =>
            Authorizer.ExecuteAsync(Erp, new AuthorizationInput(new CustomerRef(null, Taxpayer, null), "P1", "100.00", "R-EAST", false, null), default));

        Assert.Equal(("ERP-1", 1), (own.Sale.Value.Id, own.Violations.Count));
        Assert.Contains("sale HQ-KEYED", notPosted.Message, StringComparison.Ordinal);
        Assert.Contains("sale ERP-1", otherAccount.Message, StringComparison.Ordinal);
        Assert.Contains("ERP", quoting.Message, StringComparison.Ordinal);
        Assert.Empty((await query.ListViolationsAsync(Erp, null, 0, null)).Items);
    }

    [Fact]
    public async Task P8_1_annual_shipments_sum_the_ledger_over_the_365_days_ending_on_the_shipping_day()
    {
        await Recorder.ExecuteAsync(Hq, Shipment("OLD", seller: "S1", price: "1000", quantity: "100", day: "2025-03-10"), default); // 366 days before: out
        await Recorder.ExecuteAsync(Hq, Shipment("IN", seller: "S1", price: "1000", quantity: "400", day: "2025-03-11"), default);  // 364 days before: in
        Owners.Set(ProtectedBy("S1"));

        var poached = await Recorder.ExecuteAsync(Hq, Shipment("POACH", price: "100", quantity: "10"), default);

        Assert.Equal(401_000m, Assert.Single(poached.Violations).CustomerAnnualShipments);
    }

    [Fact]
    public async Task P3_7_after_the_lapse_the_previous_owners_last_price_is_the_floor_for_another_seller()
    {
        await Recorder.ExecuteAsync(Hq, Shipment("BY-OWNER", seller: "S1", price: "90.00", day: "2026-02-10"), default);
        Owners.Set(new OwnershipFacts(true, "C1", Key, null, null, null, null, "formal", OwnershipStatuses.Lapsed,
            new DateOnly(2025, 6, 1), new DateOnly(2026, 2, 28), false, [], "S1", new DateOnly(2026, 3, 1)));

        var atFloor = await Recorder.ExecuteAsync(Hq, Shipment("AT", seller: "S2", price: "90.00"), default);
        var below = await Recorder.ExecuteAsync(Hq, Shipment("BELOW", seller: "S2", price: "89.99"), default);

        Assert.Empty(atFloor.Violations);
        var violation = Assert.Single(below.Violations);
        Assert.Equal("P-3.7", violation.RuleId);
        Assert.Contains("previous_sale_id=BY-OWNER", violation.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task P4_1_P4_2_a_cross_region_sale_without_a_filing_below_the_asking_price_is_two_violations()
    {
        await new SetAskingPrice(Store, Clocks.Policy(FakeClock)).ExecuteAsync(RegionalManagerWest, new AskingPriceInput("R-WEST", "P1", "120.00", null));

        var recorded = await Recorder.ExecuteAsync(Hq, Shipment("X-1", price: "119.99", region: "R-WEST"), default);

        Assert.Equal(["P-4.1", "P-4.2"], recorded.Violations.Select(v => v.RuleId).Order());
        Assert.Equal(2, (await EventsAsync<ViolationDetected>()).Count);
    }

    [Fact]
    public async Task P4_2_asking_prices_are_versioned_and_a_shipment_meets_the_version_in_force_on_its_day()
    {
        await new SetAskingPrice(Store, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new AskingPriceInput("R-WEST", "P1", "100.00", null));
        await new SetAskingPrice(Store, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new AskingPriceInput("R-WEST", "P1", "130.00", Day(2026, 3, 20)));

        var (price, _) = await new GetAskingPrice(Store, Clocks.Policy(FakeClock)).ExecuteAsync("R-WEST", "P1", Day(2026, 3, 19));
        Assert.Equal(100m, price!.Value.InForce(new DateOnly(2026, 3, 19))!.Price);
        Assert.Equal(130m, price.Value.InForce(new DateOnly(2026, 3, 20))!.Price);

        var retroactive = await Assert.ThrowsAsync<RequestValidationException>(() => new SetAskingPrice(Store, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new AskingPriceInput("R-WEST", "P1", "1.00", Day(2026, 3, 9))));
        Assert.Equal("effective_from", Assert.Single(retroactive.Violations).Field);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => new SetAskingPrice(Store, Clocks.Policy(FakeClock)).ExecuteAsync(RegionalManagerWest with { RegionId = "R-EAST" }, new AskingPriceInput("R-WEST", "P1", "1.00", null)));
    }

    /// <summary>docs/api.md: the server makes the id; the same request_id again is the first request, and another request's key is refused.</summary>
    [Fact]
    public async Task P4_2_the_server_makes_the_price_approval_id_and_a_retry_with_the_same_request_id_asks_nothing_more()
    {
        var seller = new Caller("S2", Roles.Salesperson, "B-SH", "R-EAST");
        await new SetAskingPrice(Store, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new AskingPriceInput("R-WEST", "P1", "120.00", null));
        var customer = new CustomerRef(null, Taxpayer, null);
        var request = new RequestPriceApproval(Store, Authorizer, Clocks.Policy(FakeClock));

        var first = await request.ExecuteAsync(seller, new PriceApprovalInput("retry-1", customer, "P1", "R-WEST", "100.00", "大单"), default);
        var retried = await request.ExecuteAsync(seller, new PriceApprovalInput("retry-1", customer, "P1", "R-WEST", "100.00", "大单"), default);
        var another = await request.ExecuteAsync(seller, new PriceApprovalInput(null, customer, "P1", "R-WEST", "100.00", "大单"), default);
        var reused = await Assert.ThrowsAsync<RequestValidationException>(() =>
            request.ExecuteAsync(seller, new PriceApprovalInput("retry-1", customer, "P2", "R-WEST", "100.00", null), default));

        Assert.Matches("^PA-[0-9a-f]{24}$", first.Value.Id);
        Assert.Equal((first.Value.Id, 1L), (retried.Value.Id, retried.Version));
        Assert.NotEqual(first.Value.Id, another.Value.Id);
        Assert.Equal("request_id", Assert.Single(reused.Violations).Field);
        Assert.Equal([first.Value.Id, another.Value.Id], (await EventsAsync<PriceApprovalRequested>()).Select(e => e.ApprovalId));
    }

    [Fact]
    public async Task P3_7_P4_2_hq_sets_the_final_price_and_the_authorisation_then_allows_that_price_and_not_a_fen_below()
    {
        var seller = new Caller("S2", Roles.Salesperson, "B-SH", "R-EAST");
        await new SetAskingPrice(Store, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new AskingPriceInput("R-WEST", "P1", "120.00", null));
        var customer = new CustomerRef(null, Taxpayer, null);

        var request = await new RequestPriceApproval(Store, Authorizer, Clocks.Policy(FakeClock)).ExecuteAsync(seller, new PriceApprovalInput(null, customer, "P1", "R-WEST", "100.00", "大单"), default);
        var id = request.Value.Id;
        Assert.Equal((120m, "P-4.2"), (request.Value.FloorPrice, request.Value.FloorRuleId));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => new DecidePriceApproval(Store, Clocks.Policy(FakeClock)).ExecuteAsync(seller, new PriceDecisionInput(id, true, "100.00", null, null)));
        await new DecidePriceApproval(Store, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new PriceDecisionInput(id, true, "105.00", null, "公司定价"));

        var atFinal = await Authorizer.ExecuteAsync(seller, new AuthorizationInput(customer, "P1", "105.00", "R-WEST", false, null), default);
        var belowFinal = await Authorizer.ExecuteAsync(seller, new AuthorizationInput(customer, "P1", "104.99", "R-WEST", false, null), default);

        Assert.DoesNotContain(atFinal.Verdict.Findings, f => f.RuleId == "P-4.2");
        Assert.Equal(105m, atFinal.Verdict.ApprovedPrice);
        Assert.Contains(belowFinal.Verdict.Findings, f => f.RuleId == "P-4.2");
        // Each step published its event with the state, once (the refused decision published nothing).
        var set = Assert.Single(await EventsAsync<AskingPriceSet>());
        var asked = Assert.Single(await EventsAsync<PriceApprovalRequested>());
        var decided = Assert.Single(await EventsAsync<PriceApprovalDecided>());
        Assert.Equal(("R-WEST", "P1", 120m, new DateOnly(2026, 3, 10)), (set.RegionId, set.ProductCode, set.Price, set.EffectiveFrom));
        Assert.Equal((id, "S2", 100m, (decimal?)120m, "P-4.2"), (asked.ApprovalId, asked.SellerId, asked.RequestedPrice, asked.FloorPrice, asked.FloorRuleId));
        Assert.Equal((id, ApprovalStatuses.Approved, (decimal?)105m, "HQ1"), (decided.ApprovalId, decided.Status, decided.FinalPrice, decided.DecidedBy));
    }

    [Fact]
    public async Task P4_3_credit_goes_to_the_developer_and_is_listed_with_its_total()
    {
        Owners.Set(ProtectedBy("S1") with { CoDeveloperIds = ["S2"] });
        await Recorder.ExecuteAsync(Hq, Shipment("C-1", price: "10.00", quantity: "3"), default);
        await Recorder.ExecuteAsync(Hq, Shipment("C-2", price: "20.00", quantity: "1.5"), default);

        var report = await new QuerySales(Store, Clocks.Policy(FakeClock)).CreditsAsync(new Caller("S1", Roles.Salesperson, "B-SH", "R-EAST"), null, null, null);

        Assert.Equal(["C-1", "C-2"], report.Credits.Select(c => c.Id).Order());
        Assert.Equal(60m, report.Total);
    }

    [Fact]
    public async Task P4_3_the_local_branchs_service_support_is_a_recorded_paid_agreement_within_the_branch_managers_scope()
    {
        var manager = new Caller("M1", Roles.BranchManager, "B-SH", "R-EAST");
        var input = new ServiceSupportInput(null, new CustomerRef(null, Taxpayer, null), "S1", "B-SH", "3000.00", Day(2026, 3, 10), Day(2026, 12, 31), "上门维护");

        var agreement = await new RecordServiceSupport(Store, Clocks.Policy(FakeClock)).ExecuteAsync(manager, input);

        Assert.Equal((Key, 3000m, "M1"), (agreement.IdentityKey, agreement.Fee, agreement.RecordedBy));
        Assert.StartsWith("SS-", agreement.Id, StringComparison.Ordinal);
        var agreed = Assert.Single(await EventsAsync<ServiceSupportAgreed>());
        Assert.Equal((agreement.Id, Key, "S1", "B-SH", 3000m), (agreed.AgreementId, agreed.CustomerIdentityKey, agreed.DeveloperId, agreed.SupportingBranchId, agreed.Fee));
        Assert.Equal([agreement.Id], (await new ListServiceSupport(Store).ExecuteAsync(Hq, "B-SH", null)).Select(a => a.Id));
        Assert.Equal([agreement.Id], (await new ListServiceSupport(Store).ExecuteAsync(new Caller("S1", Roles.Salesperson, "B-SH", "R-EAST"), null, "S1")).Select(a => a.Id));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => new RecordServiceSupport(Store, Clocks.Policy(FakeClock)).ExecuteAsync(new Caller("M9", Roles.BranchManager, "B-BJ", "R-NORTH"), input));
        var late = await Assert.ThrowsAsync<RequestValidationException>(() => new RecordServiceSupport(Store, Clocks.Policy(FakeClock)).ExecuteAsync(manager, input with { ValidUntil = Day(2026, 1, 1) }));
        Assert.Equal("valid_until", Assert.Single(late.Violations).Field);
    }

    [Fact]
    public async Task Api_ids_P4_3_a_support_agreement_retried_with_its_request_id_is_recorded_once_and_another_under_the_key_is_refused()
    {
        var manager = new Caller("M1", Roles.BranchManager, "B-SH", "R-EAST");
        var input = new ServiceSupportInput("retry-1", new CustomerRef(null, Taxpayer, null), "S1", "B-SH", "3000.00", Day(2026, 3, 10), Day(2026, 12, 31), "上门维护");

        var agreement = await new RecordServiceSupport(Store, Clocks.Policy(FakeClock)).ExecuteAsync(manager, input);
        FakeClock.Advance(TimeSpan.FromMinutes(1));
        var again = await new RecordServiceSupport(Store, Clocks.Policy(FakeClock)).ExecuteAsync(manager, input);
        var reused = await Assert.ThrowsAsync<RequestValidationException>(() =>
            new RecordServiceSupport(Store, Clocks.Policy(FakeClock)).ExecuteAsync(manager, input with { Fee = "5000.00" }));

        Assert.Equal(agreement, again);
        Assert.Equal("request_id", Assert.Single(reused.Violations).Field);
        Assert.Single(await EventsAsync<ServiceSupportAgreed>());
    }

    [Fact]
    public async Task P8_2_hqs_credit_decision_moves_the_sale_and_its_credit_entry_once()
    {
        Owners.Set(ProtectedBy("S1"));
        await Recorder.ExecuteAsync(Hq, Shipment("ERP-1"), default);
        var apply = new ApplyCreditDecision(Store);
        var query = new QuerySales(Store, Clocks.Policy(FakeClock));
        var decision = new PerformanceCreditDecided("CASE-1", "ERP-1", "C1", "S2", "S2 found and closed the deal", "HQ1", FakeClock.GetUtcNow());

        var changed = await apply.ExecuteAsync(decision);
        var redelivered = await apply.ExecuteAsync(decision);

        Assert.Equal((true, false), (changed, redelivered));
        var moved = Assert.Single(await EventsAsync<SaleCreditDecided>());
        Assert.Equal(("ERP-1", "S2", "S1", "CASE-1"), (moved.SaleId, moved.CreditedTo, moved.PreviousCreditedTo, moved.CaseId));
        var sale = (await Store.GetAsync<Sale>(SalesKeys.Sale, "ERP-1"))!;
        Assert.Equal((2L, "S2", "S1", "CASE-1"), (sale.Version, sale.Value.CreditedTo, sale.Value.CreditDecision!.PreviousCreditedTo, sale.Value.CreditDecision.CaseId));
        var s2 = await query.CreditsAsync(Hq, "S2", Day(2026, 1, 1), Day(2026, 12, 31));
        var s1 = await query.CreditsAsync(Hq, "S1", Day(2026, 1, 1), Day(2026, 12, 31));
        Assert.Equal(["ERP-1"], s2.Credits.Select(c => c.Id));
        Assert.Equal(1000m, s2.Total);
        Assert.Empty(s1.Credits);
    }

    [Fact]
    public async Task P8_2_a_credit_decision_on_a_sale_the_ledger_does_not_hold_or_to_another_customer_is_refused_and_writes_nothing()
    {
        Owners.Set(ProtectedBy("S1"));
        await Recorder.ExecuteAsync(Hq, Shipment("ERP-1"), default);
        var apply = new ApplyCreditDecision(Store);
        var before = await Db.HashGetAsync(DirectoryKeys.Entity(SalesKeys.Sale, "ERP-1"), "v");

        var unknown = await Assert.ThrowsAsync<RequestValidationException>(() =>
            apply.ExecuteAsync(new PerformanceCreditDecided("CASE-1", "ERP-404", "C1", "S1", "r", "HQ1", FakeClock.GetUtcNow())));
        var otherCustomer = await Assert.ThrowsAsync<RequestValidationException>(() =>
            apply.ExecuteAsync(new PerformanceCreditDecided("CASE-1", "ERP-1", "C9", "S1", "r", "HQ1", FakeClock.GetUtcNow())));
        var malformed = await Assert.ThrowsAsync<RequestValidationException>(() =>
            apply.ExecuteAsync(new PerformanceCreditDecided("", "ERP 1", "C1", "", "r", "HQ1", FakeClock.GetUtcNow())));

        Assert.Equal("sale_id", Assert.Single(unknown.Violations).Field);
        Assert.Equal("customer_id", Assert.Single(otherCustomer.Violations).Field);
        Assert.Equal(["sale_id", "credit_to_id", "case_id"], malformed.Violations.Select(v => v.Field));
        Assert.Equal(before, await Db.HashGetAsync(DirectoryKeys.Entity(SalesKeys.Sale, "ERP-1"), "v"));
    }

    [Fact]
    public async Task P8_2_two_decisions_on_one_sale_at_once_end_with_the_later_one_and_one_credit_entry()
    {
        await Recorder.ExecuteAsync(Hq, Shipment("ERP-1"), default);
        var apply = new ApplyCreditDecision(Store);
        var at = FakeClock.GetUtcNow();

        await Task.WhenAll(
            Task.Run(() => apply.ExecuteAsync(new PerformanceCreditDecided("CASE-1", "ERP-1", "C1", "S1", "first", "HQ1", at))),
            Task.Run(() => apply.ExecuteAsync(new PerformanceCreditDecided("CASE-2", "ERP-1", "C1", "M1", "second", "HQ1", at.AddMinutes(1)))));

        Assert.Equal("M1", (await Store.GetAsync<Sale>(SalesKeys.Sale, "ERP-1"))!.Value.CreditedTo);
        var entries = new[] { "S1", "S2", "M1" }.Select(e => (e, Db.SortedSetLength(SalesKeys.Credits(e)))).ToArray();
        Assert.Equal([("S1", 0L), ("S2", 0L), ("M1", 1L)], entries);
    }

    [Fact]
    public async Task Violations_are_listed_to_hq_and_to_the_parties_but_not_to_an_unrelated_salesperson()
    {
        Owners.Set(ProtectedBy("S1"));
        await Recorder.ExecuteAsync(Hq, Shipment("ERP-1"), default);
        var query = new QuerySales(Store, Clocks.Policy(FakeClock));

        Assert.Single((await query.ListViolationsAsync(Hq, null, 0, null)).Items);
        Assert.Single((await query.ListViolationsAsync(new Caller("S1", Roles.Salesperson, "B-SH", "R-EAST"), null, 0, null)).Items);
        Assert.Single((await query.ListViolationsAsync(new Caller("S2", Roles.Salesperson, "B-SH", "R-EAST"), null, 0, null)).Items);
        Assert.Empty((await query.ListViolationsAsync(new Caller("S9", Roles.Salesperson, "B-SH", "R-EAST"), null, 0, null)).Items);
    }

    /// <summary>
    /// Issue 21: recording a sale and setting an asking price refuse a caller of another role before the input is
    /// read: a salesperson gets PermissionDenied for malformed input as for good input, never the fields' errors.
    /// </summary>
    [Fact]
    public async Task Sales_and_prices_refuse_another_role_before_reading_the_input()
    {
        var salesperson = new Caller("S1", Roles.Salesperson, "B-SH", "R-EAST");
        var bad = new SaleInput("ERP 1", "", new CustomerRef(null, "91350100M000100Y44", null), "P1", "12.345", "-1", Day(2026, 2, 30), "R-EAST", false, null);

        await Assert.ThrowsAsync<ScopeDeniedException>(() => Recorder.ExecuteAsync(salesperson, bad, CancellationToken.None));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => new SetAskingPrice(Store, Clocks.Policy(FakeClock)).ExecuteAsync(salesperson, new AskingPriceInput("", "", "x", Day(2026, 13, 1))));
        // The roles that may act still get the fields' errors.
        await Assert.ThrowsAsync<RequestValidationException>(() => Recorder.ExecuteAsync(Erp, bad, CancellationToken.None));
        await Assert.ThrowsAsync<RequestValidationException>(() => new SetAskingPrice(Store, Clocks.Policy(FakeClock)).ExecuteAsync(RegionalManagerWest, new AskingPriceInput("", "", "x", Day(2026, 13, 1))));
    }
}
