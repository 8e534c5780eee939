using System.Text;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Contracts.Violations;
using CustomerProtection.Policy.Actors;
using CustomerProtection.ServiceDefaults.Encryption;
using CustomerProtection.Storage;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using CustomerProtection.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using static CustomerProtection.Territory.Tests.ProtoDay;

namespace CustomerProtection.Territory.Tests;

/// <summary>
/// C-1, C-2, C-4 and P-3.7 on the sales side against a real redis-server: a sale's price and amount are
/// deal terms, sealed at rest and withheld from the roles C-2 does not name; the floor a salesperson is
/// told is never another party's deal price; data written in clear before is sealed without loss.
/// </summary>
public sealed class DealTermsTests(RedisServer redis) : SalesRig(redis), IClassFixture<RedisServer>
{
    private static readonly Caller Seller = new("S2", Roles.Salesperson, "B-SH", "R-EAST");
    private static readonly Caller BranchManager = new("M1", Roles.BranchManager, "B-SH", "R-EAST");
    private static readonly Caller RegionalManager = new("RM-E", Roles.RegionalManager, null, "R-EAST");
    private static readonly Caller RegionalSecretary = new("RS-E", Roles.RegionalSecretary, null, "R-EAST");

    private static SaleInput Shipment(string id, string seller, string price, string quantity = "3", string day = "2026-03-10", string region = "R-EAST") =>
        new(id, seller, new CustomerRef(null, Taxpayer, "无锡华光电子有限公司"), "P1", price, quantity, Day(day), region, false, null);

    private static OwnershipFacts LapsedFrom(string previousOwner) =>
        new(true, "C1", Key, null, null, null, null, "formal", OwnershipStatuses.Lapsed,
            new DateOnly(2025, 6, 1), new DateOnly(2026, 2, 28), false, [], previousOwner, new DateOnly(2026, 3, 1));

    private async Task<string> EverythingInRedisAsync(params RedisKey[] except) =>
        Encoding.UTF8.GetString(await RedisContent.EveryKeyAndValueAsync(Redis.Connection, "*", except));

    [Fact]
    public async Task C4_a_recorded_sale_its_violation_an_asking_price_and_a_price_approval_leave_no_price_or_amount_in_clear_in_redis()
    {
        Owners.Set(LapsedFrom("S1"));
        await Recorder.ExecuteAsync(Hq, Shipment("BY-OWNER", "S1", "4321.17", day: "2026-02-10"), default);
        var below = await Recorder.ExecuteAsync(Hq, Shipment("BELOW", "S2", "4300.29"), default);
        await new SetAskingPrice(Store, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new AskingPriceInput("R-WEST", "P1", "7654.32", null));
        var approval = await new RequestPriceApproval(Store, Authorizer, Clocks.Policy(FakeClock)).ExecuteAsync(Seller,
            new PriceApprovalInput(null, new CustomerRef(null, Taxpayer, null), "P1", "R-EAST", "4111.13", null), default);

        // The events carry the amounts to their consumers (Arbitration's P-2.4 milestones) through the
        // outbox, which the relay empties once they are published; everything else is at rest.
        var everything = await EverythingInRedisAsync(Outbox.StreamKey);

        Assert.Equal("P-3.7", Assert.Single(below.Violations).RuleId);
        Assert.Contains("BY-OWNER", everything, StringComparison.Ordinal); // the sale ids are there in clear: the scan is not vacuous
        foreach (var clear in new[] { "4321.17", "12963.51", "4300.29", "12900.87", "7654.32", "4111.13" })
        {
            Assert.DoesNotContain(clear, everything, StringComparison.Ordinal);
        }

        // ...and every reader still gets them back.
        Assert.Equal(4321.17m, (await Store.GetAsync<Sale>(SalesKeys.Sale, "BY-OWNER"))!.Value.UnitPrice);
        Assert.Equal(12963.51m + 12900.87m, await Store.AnnualShipmentsAsync(Key, new DateOnly(2026, 3, 10)));
        Assert.Equal(4321.17m, (await Store.PreviousSaleAsync("P1", Key, new DateOnly(2026, 3, 10), "S2"))!.UnitPrice);
        Assert.Equal(7654.32m, (await Store.GetAsync<AskingPrice>(SalesKeys.AskingPrice, SalesKeys.PriceId("R-WEST", "P1")))!.Value.Versions[0].Price);
        Assert.Equal(4321.17m, (await Store.GetAsync<PriceApproval>(SalesKeys.PriceApproval, approval.Value.Id))!.Value.FloorPrice);
    }

    [Fact]
    public async Task C4_a_sealed_sale_copied_to_another_sales_key_does_not_open()
    {
        await Recorder.ExecuteAsync(Hq, Shipment("ERP-1", "S2", "100.00"), default);
        await Recorder.ExecuteAsync(Hq, Shipment("ERP-2", "S2", "200.00"), default);

        var sealedFirst = await Db.HashGetAsync(DirectoryKeys.Entity(SalesKeys.Sale, "ERP-1"), "d");
        await Db.HashSetAsync(DirectoryKeys.Entity(SalesKeys.Sale, "ERP-2"), "d", sealedFirst);

        await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() => Store.GetAsync<Sale>(SalesKeys.Sale, "ERP-2"));
    }

    [Fact]
    public async Task P3_7_C2_a_salesperson_is_not_told_the_previous_sale_price_as_the_floor_whatever_they_ask()
    {
        await Recorder.ExecuteAsync(Hq, Shipment("BY-OWNER", "S1", "90.00", day: "2026-02-10"), default);
        Owners.Set(LapsedFrom("S1"));
        var customer = new CustomerRef(null, Taxpayer, null);

        var above = await Authorizer.ExecuteAsync(Seller, new AuthorizationInput(customer, "P1", "95.00", "R-EAST", false, null), default);
        var belowAsked = await Authorizer.ExecuteAsync(Seller, new AuthorizationInput(customer, "P1", "80.00", "R-EAST", false, null), default);
        var (toldAbove, withheldAbove) = DealTerms.AsToldTo(above.Verdict, Seller);
        var (toldBelow, withheldBelow) = DealTerms.AsToldTo(belowAsked.Verdict, Seller);
        var (toldHq, withheldHq) = DealTerms.AsToldTo(belowAsked.Verdict, Hq);

        // Allowed above it, needs approval below it: the rule still binds...
        Assert.Equal((SaleDecision.Allowed, SaleDecision.NeedsApproval), (toldAbove.Decision, toldBelow.Decision));
        // ...but neither answer names the other party's price, sale, day or seller.
        Assert.Equal(((decimal?)null, true, (decimal?)null, true), (toldAbove.Floor, withheldAbove, toldBelow.Floor, withheldBelow));
        var finding = Assert.Single(toldBelow.Findings);
        Assert.Equal("P-3.7", finding.RuleId);
        Assert.DoesNotContain("90", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("S1", finding.Message, StringComparison.Ordinal);
        Assert.All(finding.Metadata.Keys, k => Assert.Contains(k, new[] { "approved_price", "floor_source", "missing_approval", "unit_price" }));
        Assert.DoesNotContain(finding.Metadata.Values, v => v.Contains("90", StringComparison.Ordinal) || v == "BY-OWNER" || v == "S1");
        // hq (C-2) sees the floor and where it comes from.
        Assert.Equal((90m, false, "BY-OWNER"), (toldHq.Floor, withheldHq, Assert.Single(toldHq.Findings).Metadata["previous_sale_id"]));
    }

    [Fact]
    public async Task P3_7_P4_2_a_salesperson_crossing_regions_is_told_the_asking_price_as_the_floor_not_a_higher_previous_price()
    {
        await Recorder.ExecuteAsync(Hq, Shipment("BY-OWNER", "S1", "150.00", day: "2026-02-10"), default);
        Owners.Set(LapsedFrom("S1"));
        await new SetAskingPrice(Store, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new AskingPriceInput("R-WEST", "P1", "120.00", null));

        var asked = await Authorizer.ExecuteAsync(Seller, new AuthorizationInput(new CustomerRef(null, Taxpayer, null), "P1", "130.00", "R-WEST", false, null), default);
        var (told, withheld) = DealTerms.AsToldTo(asked.Verdict, Seller);

        Assert.Equal(150m, asked.Verdict.Floor);
        Assert.Equal((120m, true), (told.Floor, withheld));
        Assert.Contains(told.Findings, f => f.RuleId == "P-3.7");
    }

    [Fact]
    public async Task P3_7_C2_a_price_approval_below_a_previous_price_shows_its_floor_to_hq_only()
    {
        await Recorder.ExecuteAsync(Hq, Shipment("BY-OWNER", "S1", "90.00", day: "2026-02-10"), default);
        Owners.Set(LapsedFrom("S1"));

        var approval = await new RequestPriceApproval(Store, Authorizer, Clocks.Policy(FakeClock)).ExecuteAsync(Seller,
            new PriceApprovalInput(null, new CustomerRef(null, Taxpayer, null), "P1", "R-EAST", "80.00", null), default);

        Assert.Equal((90m, true), (approval.Value.FloorPrice, approval.Value.FloorIsPreviousSale));
        Assert.False(DealTerms.MaySeeApprovalFloor(Seller, approval.Value));
        Assert.True(DealTerms.MaySeeApprovalFloor(Hq, approval.Value));
    }

    [Fact]
    public async Task C2_a_sales_price_is_clear_to_the_seller_the_owner_their_branch_manager_and_hq_and_withheld_from_the_regional_roles()
    {
        Owners.Set(new OwnershipFacts(true, "C1", Key, "无锡华光电子有限公司", "S2", "B-SH", "R-EAST", "prospect", OwnershipStatuses.Protected,
            new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), true, [], null, null));
        var sale = (await Recorder.ExecuteAsync(Hq, Shipment("ERP-1", "S2", "100.00"), default)).Sale.Value;
        var query = new QuerySales(Store, Clocks.Policy(FakeClock));

        var seen = new[] { Seller, BranchManager, Hq, RegionalManager, RegionalSecretary }
            .Select(c => (c.Role, DealTerms.MaySeeSalePrices(c, sale)))
            .ToArray();

        Assert.Equal(
            [(Roles.Salesperson, true), (Roles.BranchManager, true), (Roles.Hq, true), (Roles.RegionalManager, false), (Roles.RegionalSecretary, false)],
            seen);
        // The regional roles still see the sale itself (issue 5's scopes), only without its prices.
        Assert.Equal("ERP-1", (await query.GetSaleAsync(RegionalManager, "ERP-1")).Sale.Value.Id);
        Assert.False(DealTerms.MaySeeAskingPrices(Seller, "R-WEST"));
        Assert.False(DealTerms.MaySeeAskingPrices(RegionalManager, "R-WEST"));
        Assert.True(DealTerms.MaySeeAskingPrices(RegionalManager with { RegionId = "R-WEST" }, "R-WEST"));
        Assert.False(DealTerms.MaySeeCreditAmounts(RegionalManager, "S2"));
        Assert.True(DealTerms.MaySeeCreditAmounts(Seller, "S2"));
    }

    [Fact]
    public async Task C2_P3_7_a_violations_evidence_is_for_hq_and_the_violators_branch_manager_and_the_published_one_names_no_other_deal()
    {
        await Recorder.ExecuteAsync(Hq, Shipment("BY-OWNER", "S1", "90.00", day: "2026-02-10"), default);
        Owners.Set(LapsedFrom("S1"));
        var violation = Assert.Single((await Recorder.ExecuteAsync(Hq, Shipment("BELOW", "S2", "80.00"), default)).Violations);

        Assert.Contains("previous_sale_id=BY-OWNER", violation.Evidence, StringComparison.Ordinal);
        // What goes to Penalty (which shows it to the violator) names the rule and the seller's own price, not the other deal.
        var published = Assert.Single((await Db.StreamRangeAsync(Outbox.StreamKey))
            .Where(e => (string)e["type"]! == typeof(ViolationDetected).FullName)
            .Select(e => System.Text.Json.JsonSerializer.Deserialize<ViolationDetected>((string)e["body"]!, RedisOutbox.Json)!),
            e => e.ViolationId == violation.Id);
        Assert.Contains("80.00", published.Evidence, StringComparison.Ordinal);
        Assert.DoesNotContain("90.00", published.Evidence, StringComparison.Ordinal);
        Assert.DoesNotContain("BY-OWNER", published.Evidence, StringComparison.Ordinal);
        Assert.Equal(
            [true, true, false, false],
            new[] { Hq, BranchManager, Seller, RegionalManager }.Select(c => DealTerms.MaySeeEvidence(c, violation)));
    }

    [Fact]
    public async Task C4_data_written_in_clear_before_is_sealed_at_start_up_and_reads_the_same_nothing_lost()
    {
        // What the previous version wrote: JSON states and ledger members with the money in them.
        var sale = new Sale("OLD-1", "S1", "B-SH", "R-EAST", Key, "C1", "无锡华光电子有限公司", "P1", 321.09m, 2m, 642.18m, new DateOnly(2026, 2, 10), "R-EAST",
            false, null, "S1", "S1", [], FakeClock.GetUtcNow(), "HQ1");
        var day = sale.ShippedOn.DayNumber;
        await Db.HashSetAsync(DirectoryKeys.Entity(SalesKeys.Sale, "OLD-1"), [new("v", 1), new("d", DirectoryStore.Encode(sale))]);
        await Db.SortedSetAddAsync(SalesKeys.CustomerShipments(Key), "OLD-1|642.18", day);
        await Db.SortedSetAddAsync(SalesKeys.ProductPrices("P1", Key), "OLD-1|321.09|S1", day);
        await Db.SortedSetAddAsync(SalesKeys.Credits("S1"), "OLD-1|642.18|S1", day);
        var price = new AskingPrice("R-WEST", "P1", [new AskingPriceVersion(new DateOnly(2026, 1, 1), 555.55m, "HQ1", FakeClock.GetUtcNow())]);
        await Db.HashSetAsync(DirectoryKeys.Entity(SalesKeys.AskingPrice, SalesKeys.PriceId("R-WEST", "P1")), [new("v", 1), new("d", DirectoryStore.Encode(price))]);
        var migration = new LedgerSealMigration(Redis.Connection, Sealing.Records, NullLogger<LedgerSealMigration>.Instance);

        // Readers take the old form as it is, before the pass...
        Assert.Equal(321.09m, (await Store.PreviousSaleAsync("P1", Key, new DateOnly(2026, 3, 10), "S2"))!.UnitPrice);
        var changed = await migration.MigrateAsync();
        var again = await migration.MigrateAsync();

        Assert.Equal((5, 0), (changed, again)); // two states and three members; the marker makes a second start free
        var everything = await EverythingInRedisAsync();
        foreach (var clear in new[] { "321.09", "642.18", "555.55" })
        {
            Assert.DoesNotContain(clear, everything, StringComparison.Ordinal);
        }

        // ...and after it, the same values.
        Assert.Equal(DirectoryStore.Encode(sale), DirectoryStore.Encode((await Store.GetAsync<Sale>(SalesKeys.Sale, "OLD-1"))!.Value));
        Assert.Equal(642.18m, await Store.AnnualShipmentsAsync(Key, new DateOnly(2026, 3, 10)));
        Assert.Equal(("OLD-1", 321.09m, "S1"), await Store.PreviousSaleAsync("P1", Key, new DateOnly(2026, 3, 10), "S2") is { } p ? (p.SaleId, p.UnitPrice, p.SellerId) : default);
        Assert.Equal([("OLD-1", 642.18m, "S1")], (await Store.CreditsAsync("S1", new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 10))).Select(c => (c.Id, c.Amount, c.SellerId)));
        Assert.Equal(555.55m, (await Store.GetAsync<AskingPrice>(SalesKeys.AskingPrice, SalesKeys.PriceId("R-WEST", "P1")))!.Value.Versions[0].Price);
    }

    [Fact]
    public async Task C4_making_a_new_key_active_rewraps_every_sealed_value_at_start_up_so_the_old_key_can_leave_the_ring()
    {
        var old = new SealedRecords(KeyRing.Generate("k1"));
        var oldStore = new SalesStore(Redis.Connection, new DirectoryStore(Redis.Connection, Outbox, old));
        await new RecordSale(oldStore, Owners, new SaleFactsReader(oldStore, Owners), Clocks.Policy(FakeClock)).ExecuteAsync(Hq, Shipment("ERP-1", "S2", "100.00"), default);
        await new SetAskingPrice(oldStore, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new AskingPriceInput("R-WEST", "P1", "120.00", null));
        await new LedgerSealMigration(Redis.Connection, old, NullLogger<LedgerSealMigration>.Instance).MigrateAsync();
        var rotated = old.Ring.WithActive("k2", new Dictionary<string, byte[]> { ["k2"] = System.Security.Cryptography.RandomNumberGenerator.GetBytes(KeyRing.KeyBytes) });

        var rewrapped = await new LedgerSealMigration(Redis.Connection, new SealedRecords(rotated), NullLogger<LedgerSealMigration>.Instance).MigrateAsync();

        Assert.Equal(2, rewrapped); // the sale and the asking price
        var retired = new SalesStore(Redis.Connection, new DirectoryStore(Redis.Connection, Outbox, new SealedRecords(rotated.Without("k1"))));
        Assert.Equal(100m, (await retired.GetAsync<Sale>(SalesKeys.Sale, "ERP-1"))!.Value.UnitPrice);
        Assert.Equal(120m, (await retired.GetAsync<AskingPrice>(SalesKeys.AskingPrice, SalesKeys.PriceId("R-WEST", "P1")))!.Value.Versions[0].Price);
        Assert.Equal("k2", Envelope.KeyIdOf((byte[])(await Db.HashGetAsync(DirectoryKeys.Entity(SalesKeys.Sale, "ERP-1"), "d"))!));
    }

    [Fact]
    public async Task C5_a_recorded_sale_is_a_change_entry_of_its_own_step_and_a_clear_read_is_a_read_entry_and_a_withheld_one_none()
    {
        await Db.KeyDeleteAsync(Outbox.StreamKey);
        Owners.Set(new OwnershipFacts(true, "C1", Key, "无锡华光电子有限公司", "S2", "B-SH", "R-EAST", "prospect", OwnershipStatuses.Protected,
            new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), true, [], null, null));
        var recorded = await Recorder.ExecuteAsync(Hq, Shipment("ERP-1", "S2", "100.00"), default);
        var audit = new RecordDealTermsReads(Directory, Clocks.Policy(FakeClock));

        await audit.RecordAsync(Seller, "SalesLedger/GetSale", RecordDealTermsReads.ClearReads(recorded, Seller));
        await audit.RecordAsync(RegionalManager, "SalesLedger/GetSale", RecordDealTermsReads.ClearReads(recorded, RegionalManager));

        var entries = (await Db.StreamRangeAsync(Outbox.StreamKey))
            .Where(e => (string)e["type"]! == typeof(DealTermsAccessed).FullName)
            .Select(e => System.Text.Json.JsonSerializer.Deserialize<DealTermsAccessed>((string)e["body"]!, RedisOutbox.Json)!)
            .ToList();
        Assert.Equal(
            [(DealTermsAccessKinds.Change, "HQ1", "administration", "SalesLedger/RecordSale"), (DealTermsAccessKinds.Read, "S2", "sales_development", "SalesLedger/GetSale")],
            entries.Select(e => (e.Kind, e.EmployeeId, e.Purpose, e.Rpc)));
        Assert.All(entries, e => Assert.Equal(("C1", Key, "sale ERP-1"), (e.CustomerId, e.CustomerIdentityKey, e.Detail)));
        Assert.All(entries, e => Assert.Equal(["unit_price", "amount"], e.Fields));
    }
}
