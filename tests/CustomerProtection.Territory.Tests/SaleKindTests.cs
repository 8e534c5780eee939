using System.Text.Json;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Storage;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using CustomerProtection.Testing;

namespace CustomerProtection.Territory.Tests;

/// <summary>P-1.1: a sale says what it is (formal purchase, sample, trial), in the ledger and in SaleRecorded, on a real redis-server.</summary>
public sealed class SaleKindTests(RedisServer redis) : SalesRig(redis), IClassFixture<RedisServer>
{
    private static SaleInput Shipment(string id, string? kind) =>
        new(id, "S1", new CustomerRef(null, Taxpayer, "无锡华光电子有限公司"), "P1", "1.00", "1", "2026-03-10", "R-EAST", false, null, kind);

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
}
