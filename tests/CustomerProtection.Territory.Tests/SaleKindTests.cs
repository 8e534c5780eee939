using System.Text.Json;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Storage;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using CustomerProtection.Testing;
using static CustomerProtection.Territory.Tests.ProtoDay;

namespace CustomerProtection.Territory.Tests;

/// <summary>P-1.1: a sale says what it is (formal purchase, sample, trial), in the ledger and in SaleRecorded, on a real redis-server.</summary>
public sealed class SaleKindTests(RedisServer redis) : SalesRig(redis), IClassFixture<RedisServer>
{
    private static SaleInput Shipment(string id, string? kind) =>
        new(id, "S1", new CustomerRef(null, Taxpayer, "无锡华光电子有限公司"), "P1", "1.00", "1", Day(2026, 3, 10), "R-EAST", false, null, kind);

    private async Task<List<SaleRecorded>> SalesRecordedAsync() =>
        [.. (await Db.StreamRangeAsync(Outbox.StreamKey)).Where(e => (string)e["type"]! == typeof(SaleRecorded).FullName)
            .Select(e => JsonSerializer.Deserialize<SaleRecorded>((string)e["body"]!, RedisOutbox.Json)!)];

    [Theory]
    [InlineData(SaleKinds.FormalPurchase)]
    [InlineData(SaleKinds.Sample)]
    [InlineData(SaleKinds.Trial)]
    public async Task P1_1_the_sale_kind_is_kept_in_the_ledger_and_published_with_SaleRecorded(string kind)
    {
        await Recorder.ExecuteAsync(Hq, Shipment("ERP-K", kind), default);

        Assert.Equal(kind, (await Store.GetAsync<Sale>(SalesKeys.Sale, "ERP-K"))!.Value.Kind);
        Assert.Equal(kind, Assert.Single(await SalesRecordedAsync()).Kind);
    }

    [Fact]
    public async Task P1_1_the_same_sale_id_with_another_kind_is_another_shipment_and_refused()
    {
        await Recorder.ExecuteAsync(Hq, Shipment("ERP-K", SaleKinds.Sample), default);

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => Recorder.ExecuteAsync(Hq, Shipment("ERP-K", SaleKinds.FormalPurchase), default));
        Assert.Equal(RefusalCode.AlreadyExists, refusal.Code);
        Assert.Single(await SalesRecordedAsync());
    }

    [Fact]
    public async Task P1_1_an_unknown_kind_is_refused_on_its_field()
    {
        var invalid = await Assert.ThrowsAsync<RequestValidationException>(() => Recorder.ExecuteAsync(Hq, Shipment("ERP-K", null), default));
        Assert.Contains(invalid.Violations, v => v.Field == "kind");
        Assert.Empty(await SalesRecordedAsync());
    }

    [Fact]
    public void P1_1_a_SaleRecorded_published_before_the_kind_existed_reads_as_a_formal_purchase()
    {
        const string old = """{"saleId":"ERP-0","customerIdentityKey":"uscc:X","sellerId":"S1","productCode":"P1","unitPrice":1,"quantity":1,"amount":1,"shippedOn":"2026-03-10","throughAgent":false,"occurredAt":"2026-03-10T09:00:00+08:00"}""";
        Assert.Equal(SaleKinds.FormalPurchase, JsonSerializer.Deserialize<SaleRecorded>(old, RedisOutbox.Json)!.Kind);
    }

    private static SaleInput Sold(string id, string seller, string price, string day, string kind = SaleKinds.FormalPurchase) =>
        new(id, seller, new CustomerRef(null, Taxpayer, "无锡华光电子有限公司"), "P1", price, "2", Day(day), "R-EAST", false, null, kind);

    /// <summary>S1's protection of the customer lapsed on 2026-02-28 (P-3.5): P-3.7 binds others' sales.</summary>
    private void LapsedFromS1() => Owners.Set(new OwnershipFacts(true, "C1", Key, null, null, null, null, "formal", OwnershipStatuses.Lapsed,
        new DateOnly(2025, 6, 1), new DateOnly(2026, 2, 28), false, [], "S1", new DateOnly(2026, 3, 1)));

    [Fact]
    public async Task P1_1_P3_7_a_free_sample_after_a_lapse_is_recorded_without_a_price_violation_and_a_purchase_below_the_previous_price_is_not()
    {
        await Recorder.ExecuteAsync(Hq, Sold("ERP-1", "S1", "90.00", "2026-02-10"), default);
        LapsedFromS1();

        var sample = await Recorder.ExecuteAsync(Hq, Sold("ERP-2", "S2", "0", "2026-03-10", SaleKinds.Sample), default);
        var purchase = await Recorder.ExecuteAsync(Hq, Sold("ERP-3", "S2", "80.00", "2026-03-10"), default);

        Assert.Empty(sample.Violations);
        Assert.Equal(0m, sample.Sale.Value.UnitPrice);
        Assert.Equal(["P-3.7"], purchase.Violations.Select(v => v.RuleId));
        var free = await Assert.ThrowsAsync<RequestValidationException>(() => Recorder.ExecuteAsync(Hq, Sold("ERP-4", "S2", "0", "2026-03-10"), default));
        Assert.Contains(free.Violations, v => v.Field == "unit_price");
    }

    [Fact]
    public async Task P1_1_P3_7_a_sample_or_a_trial_price_is_never_the_previous_sale_price()
    {
        await Recorder.ExecuteAsync(Hq, Sold("ERP-1", "S1", "90.00", "2026-02-10"), default);
        await Recorder.ExecuteAsync(Hq, Sold("ERP-2", "S1", "10.00", "2026-02-20", SaleKinds.Trial), default);
        LapsedFromS1();

        var below = await Recorder.ExecuteAsync(Hq, Sold("ERP-3", "S2", "50.00", "2026-03-10"), default);

        var violation = Assert.Single(below.Violations);
        Assert.Equal("P-3.7", violation.RuleId);
        Assert.Contains("90.00", violation.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task P1_1_P8_1_the_annual_shipments_count_purchases_not_samples()
    {
        await Recorder.ExecuteAsync(Hq, Sold("ERP-1", "S1", "100.00", "2026-02-10"), default);
        await Recorder.ExecuteAsync(Hq, Sold("ERP-2", "S1", "70.00", "2026-02-20", SaleKinds.Sample), default);

        Assert.Equal(200m, await Store.AnnualShipmentsAsync(Key, new DateOnly(2026, 3, 10)));
    }
}
