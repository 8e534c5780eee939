using CustomerProtection.Policy.Errors;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Testing;

namespace CustomerProtection.Registration.Tests.Maintenance;

/// <summary>
/// M-1 follow-up priority per class on a real redis-server: the interval from the last counted contact
/// (M-2 with evidence) as every "N days" (start day not counted), the owners' and the branch's lists,
/// and X-3 style reminders once per overdue period.
/// </summary>
public sealed class FollowUpTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
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

    private static DateTimeOffset Day(int month, int day, int hour = 0, int minute = 0, int second = 0) => new(2026, month, day, hour, minute, second, Shanghai);

    [Fact]
    public async Task M1_an_important_customer_is_due_the_day_after_its_7th_day_not_on_it()
    {
        // Approved on Tuesday 2026-03-10: the 7 days are 03-11..03-17 (start day not counted).
        var customer = await _m.HeldAsync("S1", "上海重要客户有限公司", CustomerClasses.Important);

        _h.AdvanceTo(Day(3, 16, 12));
        Assert.Empty((await _m.FollowUps.ListDueAsync(Harness.Salesperson("S1"), null, 10, null)).Items);
        _h.AdvanceTo(Day(3, 17, 23, 59, 59));
        Assert.Empty((await _m.FollowUps.ListDueAsync(Harness.Salesperson("S1"), null, 10, null)).Items);

        _h.AdvanceTo(Day(3, 18));
        var due = Assert.Single((await _m.FollowUps.ListDueAsync(Harness.Salesperson("S1"), null, 10, null)).Items);
        Assert.Equal(customer.Id, due.Customer.Id);
        Assert.Equal(new NodaTime.LocalDate(2026, 3, 17), due.Deadline.End.LastDay);
        Assert.Equal(1, due.DaysOverdue);
    }

    [Fact]
    public async Task M1_each_class_has_its_own_interval_important_7_potential_14_ordinary_30()
    {
        await _m.HeldAsync("S1", "上海重要客户有限公司", CustomerClasses.Important);
        await _m.HeldAsync("S1", "上海潜力客户有限公司", CustomerClasses.Potential);
        await _m.HeldAsync("S1", "上海普通客户有限公司", CustomerClasses.Ordinary);

        async Task<IReadOnlyList<string>> DueOn(int month, int day)
        {
            _h.AdvanceTo(Day(month, day));
            return (await _m.FollowUps.ListDueAsync(Harness.Salesperson("S1"), null, 10, null)).Items.Select(i => i.Customer.Class).ToList();
        }

        Assert.Equal([CustomerClasses.Important], await DueOn(3, 18));
        Assert.Equal([CustomerClasses.Important], await DueOn(3, 24));
        // 03-10 + 14 = 03-24, the last day; 03-10 + 30 = 04-09.
        Assert.Equal([CustomerClasses.Important, CustomerClasses.Potential], await DueOn(3, 25));
        Assert.Equal([CustomerClasses.Important, CustomerClasses.Potential], await DueOn(4, 9));
        Assert.Equal([CustomerClasses.Important, CustomerClasses.Potential, CustomerClasses.Ordinary], await DueOn(4, 10));
    }

    [Fact]
    public async Task M1_M2_only_a_record_with_evidence_restarts_the_interval()
    {
        var customer = await _m.HeldAsync("S1", "上海重要客户有限公司", CustomerClasses.Important);
        _h.AdvanceTo(Day(3, 13, 10));
        await _h.Progress.ExecuteAsync(Harness.Salesperson("S1"), customer.Id, "call", "2026-03-13", "电话 / call", evidence: null);

        _h.AdvanceTo(Day(3, 18));
        Assert.Single((await _m.FollowUps.ListDueAsync(Harness.Salesperson("S1"), null, 10, null)).Items);

        await _h.Progress.ExecuteAsync(Harness.Salesperson("S1"), customer.Id, "visit", "2026-03-13", "拜访", "拜访纪要 2026-03-13");
        // Counted from 03-13: the last day is 03-20.
        Assert.Empty((await _m.FollowUps.ListDueAsync(Harness.Salesperson("S1"), null, 10, null)).Items);
        _h.AdvanceTo(Day(3, 21));
        var due = Assert.Single((await _m.FollowUps.ListDueAsync(Harness.Salesperson("S1"), null, 10, null)).Items);
        Assert.Equal(new NodaTime.LocalDate(2026, 3, 13), due.Deadline.Since);
    }

    [Fact]
    public async Task M1_the_branch_manager_sees_the_branch_most_overdue_first_a_salesperson_only_their_own()
    {
        var potential = await _m.HeldAsync("S2", "上海潜力客户有限公司", CustomerClasses.Potential);
        var important = await _m.HeldAsync("S1", "上海重要客户有限公司", CustomerClasses.Important);
        _h.AdvanceTo(Day(3, 26));

        var branch = await _m.FollowUps.ListDueAsync(MaintenanceKit.Manager(), "B-SH", 10, null);
        Assert.Equal([(important.Id, 9), (potential.Id, 2)], branch.Items.Select(i => (i.Customer.Id, i.DaysOverdue)));
        var firstPage = await _m.FollowUps.ListDueAsync(MaintenanceKit.Manager(), "B-SH", 1, null);
        Assert.Equal(important.Id, Assert.Single(firstPage.Items).Customer.Id);
        Assert.Equal(potential.Id, Assert.Single((await _m.FollowUps.ListDueAsync(MaintenanceKit.Manager(), "B-SH", 1, firstPage.NextPageToken)).Items).Customer.Id);

        Assert.Equal([potential.Id], (await _m.FollowUps.ListDueAsync(Harness.Salesperson("S2"), null, 10, null)).Items.Select(i => i.Customer.Id));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _m.FollowUps.ListDueAsync(Harness.Salesperson("S2"), "B-SH", 10, null));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _m.FollowUps.ListDueAsync(MaintenanceKit.Manager("B-HZ"), "B-SH", 10, null));
        var bad = await Assert.ThrowsAsync<RequestValidationException>(() => _m.FollowUps.ListDueAsync(MaintenanceKit.Manager(), "B-SH", 10, "x"));
        Assert.Equal("page_token", Assert.Single(bad.Violations).Field);
    }

    [Fact]
    public async Task M1_X3_an_overdue_follow_up_is_reminded_once_per_overdue_period()
    {
        var customer = await _m.HeldAsync("S1", "上海重要客户有限公司", CustomerClasses.Important);
        await _m.Reminders.ArmAsync(customer.Id);

        _h.AdvanceTo(Day(3, 17, 23, 59, 59));
        await _m.DrainFollowUpsAsync();
        Assert.Empty(await _h.EventsAsync<FollowUpOverdue>());

        _h.AdvanceTo(Day(3, 18, 0, 0, 1));
        await _m.DrainFollowUpsAsync();
        await _m.Reminders.HandleAsync(customer.Id); // a late, repeated tick
        var first = Assert.Single(await _h.EventsAsync<FollowUpOverdue>());
        Assert.Equal((customer.Id, "S1", 0, new DateOnly(2026, 3, 18), new DateOnly(2026, 3, 10)), (first.CustomerId, first.OwnerId, first.OverduePeriod, first.OverdueSince, first.LastContactOn));

        // The next overdue period starts 7 days later, on 03-25.
        _h.AdvanceTo(Day(3, 24, 23, 59, 59));
        await _m.DrainFollowUpsAsync();
        Assert.Single(await _h.EventsAsync<FollowUpOverdue>());
        _h.AdvanceTo(Day(3, 25, 0, 0, 1));
        await _m.DrainFollowUpsAsync();
        var events = await _h.EventsAsync<FollowUpOverdue>();
        Assert.Equal([0, 1], events.Select(e => e.OverduePeriod));
        Assert.Equal(new DateOnly(2026, 3, 25), events[1].OverdueSince);
    }

    [Fact]
    public async Task M1_X3_customers_owned_before_the_follow_up_queue_existed_are_armed_once_and_then_reminded()
    {
        // Held without an OwnershipChanged reaching the queue, as every customer owned before this module was.
        var customer = await _m.HeldAsync("S1", "上海重要客户有限公司", CustomerClasses.Important);
        Assert.Null(await _m.Store.FollowUps.DueAtAsync(customer.Id));

        Assert.Equal(1, await _m.Reminders.ArmEarlierCustomersAsync());
        Assert.Equal(0, await _m.Reminders.ArmEarlierCustomersAsync()); // once per deployment

        // Approved on 03-10, important: due from 03-18, and reminded then.
        Assert.Equal(Day(3, 18).ToUnixTimeMilliseconds(), await _m.Store.FollowUps.DueAtAsync(customer.Id));
        _h.AdvanceTo(Day(3, 18, 0, 0, 1));
        await _m.DrainFollowUpsAsync();
        Assert.Equal(customer.Id, Assert.Single(await _h.EventsAsync<FollowUpOverdue>()).CustomerId);
    }

    [Fact]
    public async Task M1_X3_a_contact_recorded_before_the_deadline_moves_the_reminder()
    {
        var customer = await _m.HeldAsync("S1", "上海重要客户有限公司", CustomerClasses.Important);
        await _m.Reminders.ArmAsync(customer.Id);
        _h.AdvanceTo(Day(3, 16, 10));
        await _h.Progress.ExecuteAsync(Harness.Salesperson("S1"), customer.Id, "visit", "2026-03-16", null, "拜访纪要 2026-03-16");

        _h.AdvanceTo(Day(3, 18, 0, 0, 1));
        await _m.DrainFollowUpsAsync();
        Assert.Empty(await _h.EventsAsync<FollowUpOverdue>());

        // From 03-16 the last day is 03-23: reminded on 03-24.
        _h.AdvanceTo(Day(3, 24, 0, 0, 1));
        await _m.DrainFollowUpsAsync();
        Assert.Equal(new DateOnly(2026, 3, 24), Assert.Single(await _h.EventsAsync<FollowUpOverdue>()).OverdueSince);
    }
}
