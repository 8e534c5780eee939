using CustomerProtection.Contracts.Registration;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Storage;
using CustomerProtection.Testing;

namespace CustomerProtection.Registration.Tests;

/// <summary>P-1.1, P-3.1, P-3.3: shipments, the formal period and extensions on a real redis-server.</summary>
public sealed class ProtectionPeriodTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private readonly Harness _h = new(redis);

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1", "S2");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<Versioned<Customer>> FormalAsync(string title, string shippedOn)
    {
        var customer = await _h.FileAndApproveAsync("S1", title);
        return await _h.Shipments.ByHqAsync(Harness.Hq, customer.Value.Id, null, null, shippedOn, "SALE-" + title);
    }

    [Fact]
    public async Task P1_1_a_first_shipment_makes_a_prospect_formal_with_180_days_from_the_shipment()
    {
        var formal = await FormalAsync("上海华光电子有限公司", "2026-03-10");

        Assert.Equal(Stages.Formal, formal.Value.Stage);
        // 2026-03-10 + 180 = 09-06, a Sunday: art. 203 rolls it to Monday 09-07.
        Assert.Equal(new NodaTime.LocalDate(2026, 9, 7), _h.Clock.Evaluate(formal.Value).End!.LastDay);
        var changed = Assert.Single(await _h.EventsAsync<ProtectionPeriodChanged>());
        Assert.Equal((PeriodChangeCauses.Shipment, new DateOnly(2026, 9, 7)), (changed.Cause, changed.LastProtectedDay));
        Assert.Equal(Changes.Formal, (await _h.Store.HistoryAsync(formal.Value.Id))[^1].Change);
    }

    [Fact]
    public async Task P3_1_each_later_shipment_restarts_the_180_days_and_a_redelivered_sale_changes_nothing()
    {
        var formal = await FormalAsync("上海华光电子有限公司", "2026-03-10");
        _h.AdvanceTo(new DateTimeOffset(2026, 6, 1, 10, 0, 0, Shanghai));
        var sale = new SaleRecorded("SALE-2", formal.Value.IdentityKey, null, "S1", "B-SH", "R-EAST", "P-100", 10m, 5m, 50m, new DateOnly(2026, 6, 1), false, _h.Time.GetUtcNow());

        await _h.Shipments.FromSaleAsync(sale);
        await _h.Shipments.FromSaleAsync(sale);
        await _h.Shipments.FromSaleAsync(sale with { SaleId = "SALE-OLD", ShippedOn = new DateOnly(2026, 5, 1) });

        var stored = await _h.CustomerAsync(formal.Value.Id);
        Assert.Equal(new DateOnly(2026, 6, 1), stored.PeriodStart);
        Assert.Equal(new NodaTime.LocalDate(2026, 11, 30), _h.Clock.Evaluate(stored).End!.LastDay);
        Assert.Equal(2, (await _h.EventsAsync<ProtectionPeriodChanged>()).Count);
    }

    [Fact]
    public async Task P3_1_a_sale_to_a_customer_nobody_filed_is_ignored()
    {
        var sale = new SaleRecorded("SALE-X", "title:无人备案公司", null, "S1", "B-SH", "R-EAST", "P-100", 10m, 5m, 50m, new DateOnly(2026, 3, 10), false, _h.Time.GetUtcNow());

        Assert.Null(await _h.Shipments.FromSaleAsync(sale));
        Assert.Empty(await _h.OutboxAsync());
    }

    [Fact]
    public async Task P3_3_a_formal_extension_asked_29_days_before_expiry_is_refused_and_30_days_before_is_granted()
    {
        // Both last days are 2026-09-07 (see above): 30 days before is 08-08, 29 days before is 08-09.
        var early = await FormalAsync("甲有限公司", "2026-03-10");
        var late = await FormalAsync("乙有限公司", "2026-03-10");

        _h.AdvanceTo(new DateTimeOffset(2026, 8, 8, 18, 0, 0, Shanghai));
        await _h.RequestExtension.ExecuteAsync(Harness.Salesperson("S1"), early.Value.Id, 60, "订单周期");
        _h.AdvanceTo(new DateTimeOffset(2026, 8, 9, 9, 0, 0, Shanghai));
        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.RequestExtension.ExecuteAsync(Harness.Salesperson("S1"), late.Value.Id, 60, "订单周期"));

        Assert.Equal("P-3.3", refusal.RuleId);
        Assert.Equal("TooLate", refusal.Metadata["reason"]);
        Assert.Equal("2026-09-07", refusal.Metadata["lastDay"]);
        Assert.Equal("2026-08-08", refusal.Metadata["latestRequestDate"]);
        Assert.Equal("29", refusal.Metadata["leadTimeHave"]);
        Assert.Equal("1", refusal.Metadata["daysMissing"]);
        Assert.Equal("90", refusal.Metadata["capRemainingDays"]);
        Assert.Null((await _h.CustomerAsync(late.Value.Id)).PendingExtension);

        // The written request was in time: the manager may approve it a day later (03-10 + 180 + 60 = 11-05).
        var granted = await _h.DecideExtension.ExecuteAsync(Harness.Manager(), early.Value.Id, approve: true, null);
        Assert.Equal(60, granted.Value.ExtensionDays);
        Assert.Equal(new NodaTime.LocalDate(2026, 11, 5), _h.Clock.Evaluate(granted.Value).End!.LastDay);
    }

    [Fact]
    public async Task P3_3_a_prospect_extension_needs_7_working_days_and_says_how_many_are_missing()
    {
        var prospect = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");
        // Last day 2026-04-09; from 04-02 only 04-03, 04-07, 04-08, 04-09 are working days (清明 04-04..06).
        _h.AdvanceTo(new DateTimeOffset(2026, 4, 2, 9, 0, 0, Shanghai));

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.RequestExtension.ExecuteAsync(Harness.Salesperson("S1"), prospect.Value.Id, 10, null));

        Assert.Equal("P-3.3", refusal.RuleId);
        Assert.Equal("workingDays", refusal.Metadata["leadTimeUnit"]);
        Assert.Equal("4", refusal.Metadata["leadTimeHave"]);
        Assert.Equal("3", refusal.Metadata["daysMissing"]);
        Assert.Equal("2026-03-30", refusal.Metadata["latestRequestDate"]);
    }

    [Fact]
    public async Task P3_3_the_cap_is_the_total_over_all_requests_in_one_period()
    {
        var prospect = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");
        _h.AdvanceTo(new DateTimeOffset(2026, 3, 16, 9, 0, 0, Shanghai));

        var tooMuch = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.RequestExtension.ExecuteAsync(Harness.Salesperson("S1"), prospect.Value.Id, 31, null));
        Assert.Equal(("CapExceeded", "30"), (tooMuch.Metadata["reason"], tooMuch.Metadata["capRemainingDays"]));

        await _h.RequestExtension.ExecuteAsync(Harness.Salesperson("S1"), prospect.Value.Id, 20, null);
        await _h.DecideExtension.ExecuteAsync(Harness.Secretary(), prospect.Value.Id, approve: true, null);
        var again = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.RequestExtension.ExecuteAsync(Harness.Salesperson("S1"), prospect.Value.Id, 11, null));
        Assert.Equal(("CapExceeded", "10", "20"), (again.Metadata["reason"], again.Metadata["capRemainingDays"], again.Metadata["alreadyExtendedDays"]));
    }

    [Fact]
    public async Task P3_3_only_the_owner_asks_and_only_the_branch_manager_or_secretary_decides()
    {
        var prospect = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");

        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.RequestExtension.ExecuteAsync(Harness.Salesperson("S2"), prospect.Value.Id, 5, null));
        await _h.RequestExtension.ExecuteAsync(Harness.Salesperson("S1"), prospect.Value.Id, 5, null);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.DecideExtension.ExecuteAsync(Harness.Salesperson("S2"), prospect.Value.Id, true, null));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.DecideExtension.ExecuteAsync(Harness.Manager("B-BJ"), prospect.Value.Id, true, null));
        var rejected = await _h.DecideExtension.ExecuteAsync(Harness.Manager(), prospect.Value.Id, false, "理由不足");
        Assert.Equal(0, rejected.Value.ExtensionDays);
        Assert.Null(rejected.Value.PendingExtension);
    }

    [Fact]
    public async Task P3_5_a_lapsed_protection_cannot_be_extended()
    {
        var prospect = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");
        await _h.RequestExtension.ExecuteAsync(Harness.Salesperson("S1"), prospect.Value.Id, 5, null);
        _h.AdvanceTo(new DateTimeOffset(2026, 4, 10, 8, 0, 0, Shanghai));

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.DecideExtension.ExecuteAsync(Harness.Manager(), prospect.Value.Id, true, null));

        Assert.Equal("P-3.5", refusal.RuleId);
    }

    [Fact]
    public async Task P3_1_hq_gives_a_formal_customer_with_a_long_order_cycle_its_own_period()
    {
        var formal = await FormalAsync("上海华光电子有限公司", "2026-03-10");

        var special = await _h.SetSpecialPeriod.ExecuteAsync(Harness.Hq, formal.Value.Id, 365, "订单周期一年");

        Assert.Equal(new NodaTime.LocalDate(2027, 3, 10), _h.Clock.Evaluate(special.Value).End!.LastDay);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.SetSpecialPeriod.ExecuteAsync(Harness.Manager(), formal.Value.Id, 365, null));
    }
}
