using CustomerProtection.Policy.Errors;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Testing;

namespace CustomerProtection.Registration.Tests.Maintenance;

/// <summary>Re-verification of a customer's contacts (seed 客户维护 "定期…核实") on a real redis-server.</summary>
public sealed class VerificationTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private readonly Harness _h = new(redis, MaintenanceKit.LongProtection);
    private MaintenanceKit _m = null!;

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1", "S2");
        _m = new MaintenanceKit(_h);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static DateTimeOffset Day(int month, int day, int hour = 0) => new(2026, month, day, hour, 0, 0, Shanghai);

    [Fact]
    public async Task Verification_an_important_customer_is_stale_the_day_after_90_days_from_its_filing_for_owner_manager_and_hq()
    {
        var customer = await _m.HeldAsync("S1", "上海重要客户有限公司", CustomerClasses.Important);

        // Filed on Tuesday 2026-03-10: 90 days end on Monday 06-08.
        _h.AdvanceTo(Day(6, 8, 18));
        Assert.Empty((await _m.Verifications.ListStaleAsync(Harness.Salesperson("S1"), null, 10, null)).Items);
        _h.AdvanceTo(Day(6, 9));
        var stale = Assert.Single((await _m.Verifications.ListStaleAsync(Harness.Salesperson("S1"), null, 10, null)).Items);
        Assert.Equal((customer.Id, 1), (stale.Customer.Id, stale.DaysOverdue));
        Assert.Single((await _m.Verifications.ListStaleAsync(MaintenanceKit.Manager(), "B-SH", 10, null)).Items);
        Assert.Single((await _m.Verifications.ListStaleAsync(Harness.Hq, "B-SH", 10, null)).Items);
        Assert.Empty((await _m.Verifications.ListStaleAsync(Harness.Salesperson("S2"), null, 10, null)).Items);
    }

    [Fact]
    public async Task Verification_the_owner_confirms_and_the_interval_counts_from_the_confirmation()
    {
        var customer = await _m.HeldAsync("S1", "上海重要客户有限公司", CustomerClasses.Important);
        _h.AdvanceTo(Day(6, 10, 10));
        Assert.Single((await _m.Verifications.ListStaleAsync(Harness.Salesperson("S1"), null, 10, null)).Items);

        await Assert.ThrowsAsync<ScopeDeniedException>(() => _m.Verifications.ConfirmAsync(MaintenanceKit.Manager(), customer.Id));
        var confirmed = await _m.Verifications.ConfirmAsync(Harness.Salesperson("S1"), customer.Id);
        Assert.Equal(("S1", new DateOnly(2026, 6, 10)), (confirmed.VerifiedBy, confirmed.VerifiedOn));
        Assert.Empty(confirmed.Corrected);
        Assert.Empty((await _m.Verifications.ListStaleAsync(Harness.Salesperson("S1"), null, 10, null)).Items);

        // From Wednesday 06-10 (not counted) the 90 days end on Tuesday 09-08.
        _h.AdvanceTo(Day(9, 7, 20));
        Assert.Empty((await _m.Verifications.ListStaleAsync(Harness.Salesperson("S1"), null, 10, null)).Items);
        _h.AdvanceTo(Day(9, 8, 23));
        Assert.Empty((await _m.Verifications.ListStaleAsync(Harness.Salesperson("S1"), null, 10, null)).Items);
        _h.AdvanceTo(Day(9, 9));
        Assert.Single((await _m.Verifications.ListStaleAsync(Harness.Salesperson("S1"), null, 10, null)).Items);
    }

    [Fact]
    public async Task Verification_C4_C5_a_correction_is_the_confidential_write_sealed_and_audited_and_verifies()
    {
        var customer = await _m.HeldAsync("S1", "上海重要客户有限公司", CustomerClasses.Important);
        _h.AdvanceTo(Day(6, 9, 10));

        var bad = await Assert.ThrowsAsync<RequestValidationException>(() => _m.Verifications.CorrectAsync(Harness.Salesperson("S1"), customer.Id, new CustomerContact(null, null, "not-an-email", null)));
        Assert.Equal("contact.email", Assert.Single(bad.Violations).Field);
        var corrected = await _m.Verifications.CorrectAsync(Harness.Salesperson("S1"), customer.Id, new CustomerContact(null, "13900001111", null, null));

        Assert.Equal(["contact_phone"], corrected.Corrected);
        var view = await _h.Query.GetAsync(Harness.Salesperson("S1"), customer.Id);
        Assert.Equal(("13900001111", "王经理"), (view.Contact!.Phone, view.Contact.Name));
        var stored = (string?)await _h.Db.HashGetAsync(Persistence.RegistrationKeys.Customer(customer.Id), Persistence.RegistrationKeys.EnvelopeField);
        Assert.DoesNotContain("13900001111", stored ?? "", StringComparison.Ordinal);
        Assert.Empty((await _m.Verifications.ListStaleAsync(Harness.Salesperson("S1"), null, 10, null)).Items);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _m.Verifications.CorrectAsync(Harness.Salesperson("S2"), customer.Id, new CustomerContact(null, "13900002222", null, null)));
    }
}
