using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Registration.Workers;
using CustomerProtection.Storage;
using CustomerProtection.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerProtection.Registration.Tests;

/// <summary>Deadlines on a real redis-server: the computed lapse, the due-queue's events once each, P-3.4's monthly check.</summary>
public sealed class DueQueueTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private readonly Harness _h = new(redis);

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1", "S2");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task P3_5_a_period_that_ends_is_lapsed_at_midnight_before_any_job_has_run()
    {
        var customer = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");

        _h.AdvanceTo(new DateTimeOffset(2026, 4, 9, 23, 59, 59, Shanghai));
        Assert.True(_h.Clock.Evaluate(customer.Value).ProtectedNow);

        _h.AdvanceTo(new DateTimeOffset(2026, 4, 10, 0, 0, 0, Shanghai));
        var view = await _h.Query.GetAsync(Harness.Secretary(), customer.Value.Id);
        Assert.Equal(CustomerStatus.Lapsed, view.State.Status);
        Assert.False(view.State.ProtectedNow);
        Assert.Null(view.State.OwnerOf(view.Customer.Value));
        Assert.Empty(await _h.EventsAsync<ProtectionLapsed>());
        var check = await _h.Query.CheckDuplicateAsync(null, "上海华光电子有限公司", false);
        Assert.Equal("free", check.Verdict);
    }

    [Fact]
    public async Task P3_5_the_due_queue_publishes_the_lapse_once_and_puts_the_customer_in_the_branch_pool()
    {
        var customer = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");
        _h.AdvanceTo(new DateTimeOffset(2026, 4, 10, 0, 0, 1, Shanghai));

        await _h.DrainDueAsync();
        await _h.Due.HandleAsync(customer.Value.Id); // a late, repeated tick

        var lapsed = Assert.Single(await _h.EventsAsync<ProtectionLapsed>());
        Assert.Equal("S1", lapsed.FormerOwnerId);
        Assert.Equal(new DateOnly(2026, 4, 9), lapsed.LastProtectedDay);
        var stored = await _h.CustomerAsync(customer.Value.Id);
        Assert.Equal(CustomerStatus.Lapsed, stored.Status);
        Assert.Equal("S1", stored.PreviousOwnerId);
        Assert.Equal(new DateTimeOffset(2026, 4, 10, 0, 0, 0, Shanghai), stored.FreedAt);
        Assert.Equal([customer.Value.Id], (await _h.ListCustomers.PoolAsync(Harness.Salesperson("S2"), "B-SH", Application.CustomerFilter.None, 10, null)).Items.Select(i => i.Customer.Value.Id));
        Assert.Equal(0, await _h.Db.SortedSetLengthAsync(RegistrationKeys.OwnerCustomers("S1")));
        Assert.Equal(0, await _h.Db.SortedSetLengthAsync(RegistrationKeys.Due));
        Assert.Equal(Changes.Lapsed, (await _h.Store.HistoryAsync(customer.Value.Id))[^1].Change);
    }

    [Fact]
    public async Task P3_5_two_replicas_handling_the_same_deadline_publish_one_lapse()
    {
        var customer = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");
        _h.AdvanceTo(new DateTimeOffset(2026, 4, 10, 0, 0, 1, Shanghai));
        var other = new Harness(redis);
        other.AdvanceTo(_h.Time.GetUtcNow());

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? _h : other).Due.HandleAsync(customer.Value.Id)));

        Assert.Single(await _h.EventsAsync<ProtectionLapsed>());
        Assert.Single(await _h.EventsAsync<OwnershipChanged>(), e => e.Reason == Changes.Lapsed);
    }

    [Theory]
    [InlineData(new byte[] { 0x01, 0x0A, 0xFF })] // the protobuf marker, then a string field whose length runs past the end
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'i' })] // JSON cut short
    public async Task X3_a_customer_this_build_cannot_read_leaves_the_due_queue_instead_of_failing_forever(byte[] stored)
    {
        await _h.Db.HashSetAsync(RegistrationKeys.Customer("77"), [new StackExchange.Redis.HashEntry("v", 1), new StackExchange.Redis.HashEntry("d", stored)]);
        await _h.Store.CommitAsync(new AtomicChange().DueAdd("77", 0));

        await _h.Due.HandleAsync("77");

        Assert.Null(await _h.Db.SortedSetScoreAsync(RegistrationKeys.DueEntries(RegistrationKeys.DueBucket("77")), "77"));
    }

    [Fact]
    public async Task Replicas_taking_due_entries_get_disjoint_leases()
    {
        for (var i = 0; i < 300; i++)
        {
            await _h.Store.CommitAsync(new AtomicChange().DueAdd(i % 2 == 0 ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"c{i}", 0));
        }

        var a = new DueQueueWorker(_h.Store, _h.Due, _h.Clock, new CustomerProtection.Storage.LoopHealth(), NullLogger<DueQueueWorker>.Instance);
        var b = new DueQueueWorker(_h.Store, _h.Due, _h.Clock, new CustomerProtection.Storage.LoopHealth(), NullLogger<DueQueueWorker>.Instance);
        var taken = await Task.WhenAll(a.TakeAsync(), b.TakeAsync(), a.TakeAsync(), b.TakeAsync());

        var all = taken.SelectMany(t => t).ToList();
        Assert.Equal(300, all.Count);
        Assert.Equal(300, all.Distinct().Count());
        // Leased: nothing is due again until the lease runs out.
        Assert.Empty(await a.TakeAsync());
        _h.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(300, (await b.TakeAsync()).Count);
    }

    [Fact]
    public async Task X3_the_owner_is_reminded_30_7_and_1_days_before_and_the_manager_7_days_before_each_once()
    {
        // Approved 2026-03-10, last day 2026-04-09: the 30-day reminder (03-10 00:00) was already past when planned.
        var customer = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");

        _h.AdvanceTo(new DateTimeOffset(2026, 4, 2, 0, 0, 0, Shanghai));
        await _h.DrainDueAsync();
        await _h.Due.HandleAsync(customer.Value.Id);
        var sevenDays = await _h.EventsAsync<ProtectionReminderDue>();
        Assert.Equal([("S1", "owner", 7), ("M-B-SH", "manager", 7)], sevenDays.Select(r => (r.RecipientId, r.RecipientRole, r.DaysBefore)));
        Assert.All(sevenDays, r => Assert.Equal(new DateOnly(2026, 4, 9), r.LastProtectedDay));

        _h.AdvanceTo(new DateTimeOffset(2026, 4, 8, 0, 0, 0, Shanghai));
        await _h.DrainDueAsync();
        await _h.DrainDueAsync();
        var all = await _h.EventsAsync<ProtectionReminderDue>();
        Assert.Equal(3, all.Count);
        Assert.Equal(("S1", 1), (all[^1].RecipientId, all[^1].DaysBefore));
    }

    [Fact]
    public async Task X3_an_extension_replans_the_reminders_for_the_new_last_day()
    {
        var customer = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");
        _h.AdvanceTo(new DateTimeOffset(2026, 3, 20, 10, 0, 0, Shanghai));
        await _h.RequestExtension.ExecuteAsync(Harness.Salesperson("S1"), customer.Value.Id, 10, "试用延长");
        await _h.DecideExtension.ExecuteAsync(Harness.Manager(), customer.Value.Id, approve: true, null);

        // 03-10 + 40 days = 04-19, a Sunday: art. 203 rolls it to Monday 04-20. Its 30-day reminder is due on 03-21.
        _h.AdvanceTo(new DateTimeOffset(2026, 3, 21, 0, 0, 0, Shanghai));
        await _h.DrainDueAsync();
        var thirty = Assert.Single(await _h.EventsAsync<ProtectionReminderDue>());
        Assert.Equal((30, new DateOnly(2026, 4, 20)), (thirty.DaysBefore, thirty.LastProtectedDay));

        // The old plan's 7-day date (04-02) passes silently; the new one is 04-13.
        _h.AdvanceTo(new DateTimeOffset(2026, 4, 2, 12, 0, 0, Shanghai));
        await _h.DrainDueAsync();
        Assert.Single(await _h.EventsAsync<ProtectionReminderDue>());
        _h.AdvanceTo(new DateTimeOffset(2026, 4, 13, 0, 0, 0, Shanghai));
        await _h.DrainDueAsync();
        var reminders = await _h.EventsAsync<ProtectionReminderDue>();
        Assert.Equal([("S1", 30), ("S1", 7), ("M-B-SH", 7)], reminders.Select(r => (r.RecipientId, r.DaysBefore)));
        Assert.All(reminders, r => Assert.Equal(new DateOnly(2026, 4, 20), r.LastProtectedDay));
    }

    [Fact]
    public async Task P3_4_a_major_prospect_is_flagged_after_a_month_without_progress_and_lapses_after_the_second()
    {
        // 600,000 declared: a major prospect, 120 days (last day 2026-07-08), progress due every calendar month.
        var customer = await _h.FileAndApproveAsync("S1", "上海大客户集团有限公司", sales: 600_000m);
        Assert.Equal(new NodaTime.LocalDate(2026, 7, 8), _h.Clock.Evaluate(customer.Value).End!.LastDay);

        _h.AdvanceTo(new DateTimeOffset(2026, 5, 1, 0, 0, 0, Shanghai));
        await _h.DrainDueAsync();
        var flagged = Assert.Single(await _h.EventsAsync<MajorProspectFlagged>());
        Assert.Equal("2026-04", flagged.MissedMonth);
        Assert.Equal("M-B-SH", flagged.ManagerId);
        _h.AdvanceTo(new DateTimeOffset(2026, 5, 6, 15, 0, 0, Shanghai));
        await _h.Progress.ExecuteAsync(Harness.Salesperson("S1"), customer.Value.Id, "visit", "2026-05-06", "拜访采购部", "DOC-1");
        Assert.True((await _h.Query.GetAsync(Harness.Salesperson("S1"), customer.Value.Id)).State.ProtectedNow);

        // May has progress; June has none: the second missed month lapses the protection at its end.
        _h.AdvanceTo(new DateTimeOffset(2026, 7, 1, 0, 0, 0, Shanghai));
        var view = await _h.Query.GetAsync(Harness.Secretary(), customer.Value.Id);
        Assert.Equal(CustomerStatus.Lapsed, view.State.Status);
        Assert.Equal(new NodaTime.LocalDate(2026, 6, 30), view.State.End!.LastDay);
        await _h.DrainDueAsync();
        var lapsed = Assert.Single(await _h.EventsAsync<ProtectionLapsed>());
        Assert.Equal(new DateOnly(2026, 6, 30), lapsed.LastProtectedDay);
        Assert.Single(await _h.EventsAsync<MajorProspectFlagged>());
        Assert.Contains("P-3.4", (await _h.Store.HistoryAsync(customer.Value.Id))[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task M2_a_month_whose_only_records_have_no_evidence_is_a_month_without_progress_for_P3_4()
    {
        // 600,000 declared: a major prospect approved 2026-03-10, progress due every calendar month (P-3.4).
        var customer = await _h.FileAndApproveAsync("S1", "上海无凭证大客户有限公司", sales: 600_000m);
        var owner = Harness.Salesperson("S1");

        // April: a call with no evidence, kept and listed, but no progress: April is flagged on May 1.
        _h.AdvanceTo(new DateTimeOffset(2026, 4, 15, 10, 0, 0, Shanghai));
        await _h.Progress.ExecuteAsync(owner, customer.Value.Id, "call", "2026-04-15", "电话，无记录", null);
        _h.AdvanceTo(new DateTimeOffset(2026, 5, 1, 0, 0, 0, Shanghai));
        await _h.DrainDueAsync();
        Assert.Equal("2026-04", Assert.Single(await _h.EventsAsync<MajorProspectFlagged>()).MissedMonth);

        // May: again only records without evidence (blank evidence is none): the second missed month lapses the
        // protection at May's end — the last protected day is 2026-05-31, the day after is lapsed.
        _h.AdvanceTo(new DateTimeOffset(2026, 5, 20, 10, 0, 0, Shanghai));
        await _h.Progress.ExecuteAsync(owner, customer.Value.Id, "visit", "2026-05-20", "拜访", "   ");
        _h.AdvanceTo(new DateTimeOffset(2026, 5, 31, 23, 59, 59, Shanghai));
        Assert.True((await _h.Query.GetAsync(Harness.Secretary(), customer.Value.Id)).State.ProtectedNow);
        _h.AdvanceTo(new DateTimeOffset(2026, 6, 1, 0, 0, 0, Shanghai));
        var view = await _h.Query.GetAsync(Harness.Secretary(), customer.Value.Id);
        Assert.Equal(CustomerStatus.Lapsed, view.State.Status);
        Assert.Equal(new NodaTime.LocalDate(2026, 5, 31), view.State.End!.LastDay);
        Assert.Equal(["call", "visit"], (await _h.Store.ProgressAsync(customer.Value.Id)).Select(p => p.Kind));
    }

    [Fact]
    public async Task M2_one_record_with_evidence_makes_the_month_a_month_with_progress()
    {
        var customer = await _h.FileAndApproveAsync("S1", "上海有凭证大客户有限公司", sales: 600_000m);
        var owner = Harness.Salesperson("S1");

        _h.AdvanceTo(new DateTimeOffset(2026, 4, 15, 10, 0, 0, Shanghai));
        await _h.Progress.ExecuteAsync(owner, customer.Value.Id, "call", "2026-04-15", "电话，无记录", null);
        await _h.Progress.ExecuteAsync(owner, customer.Value.Id, "quote", "2026-04-15", "报价", "Q-2026-04");
        _h.AdvanceTo(new DateTimeOffset(2026, 5, 1, 0, 0, 0, Shanghai));
        await _h.DrainDueAsync();
        Assert.Empty(await _h.EventsAsync<MajorProspectFlagged>());
    }
}
