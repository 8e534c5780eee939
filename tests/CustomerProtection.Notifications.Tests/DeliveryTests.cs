using CustomerProtection.Contracts.Organization;
using CustomerProtection.Contracts.Penalty;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Notifications.Application;
using CustomerProtection.Notifications.Domain;
using CustomerProtection.Notifications.Email;
using CustomerProtection.Notifications.Persistence;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Testing;
using CustomerProtection.Time;
using Microsoft.Extensions.Time.Testing;

namespace CustomerProtection.Notifications.Tests;

/// <summary>
/// The notifications worker against a real redis-server and an SMTP sink in the test: each event becomes its
/// e-mails once, however often it is delivered; an SMTP outage delays them and loses none; a delivery that
/// keeps failing is recorded as failed after N attempts and listed to hq, never dropped.
/// </summary>
public sealed class DeliveryTests(RedisServer redis, SmtpSink _sink) : IClassFixture<RedisServer>, IClassFixture<SmtpSink>, IAsyncLifetime
{
    private static readonly Caller Hq = new("HQ-1", Roles.Hq, null, null);
    private static readonly DateOnly LastDay = new(2026, 12, 2);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 2, 1, 0, 0, TimeSpan.Zero));
    private RetrySchedule _retry = new() { MaxAttempts = 3, FirstDelay = TimeSpan.FromMinutes(1), MaxDelay = TimeSpan.FromMinutes(10) };

    private WorkerParts Parts => new(redis, _sink, _time);
    private NotificationStore Store => Parts.Store;
    private PolicyClock Clock => Parts.Clock;
    private RecordNotice Record => Parts.Record;
    private CopyDirectory Directory => new(Store);
    private SendDueDeliveries Send => Parts.Send(_retry);

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        _sink.Reset();
        await Directory.ApplyAsync(new BranchSnapshot("B-SH", "R-EAST", "上海分公司", "branch", true, "M-001", false), 1);
        await Directory.ApplyAsync(Employee("S-001", "张三", Roles.Salesperson, "s001@example.com"), 1);
        await Directory.ApplyAsync(Employee("M-001", "李经理", Roles.BranchManager, "m001@example.com"), 1);
        await Directory.ApplyAsync(Employee("SEC-1", "王秘书", Roles.BranchSecretary, "sec1@example.com"), 1);
        await Directory.ApplyAsync(Employee("SEC-2", "赵秘书", Roles.BranchSecretary, "sec2@example.com"), 1);
        await Directory.ApplyAsync(Employee("S-NOMAIL", "钱七", Roles.Salesperson, null), 1);
        await Directory.ApplyAsync(Employee("HQ-1", "总部", Roles.Hq, "hq1@example.com"), 1);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static EmployeeSnapshot Employee(string id, string name, string role, string? email, string status = "active") =>
        new(id, name, role, role == Roles.Hq ? null : "B-SH", role == Roles.Hq ? null : "R-EAST", role == Roles.Salesperson ? "M-001" : null, status,
            new DateOnly(2020, 1, 1), status == "left" ? new DateOnly(2026, 11, 1) : null, email);

    private ProtectionReminderDue Reminder(string recipient, string role, int days) =>
        new("C-1", recipient, role, days, LastDay, _time.GetUtcNow());

    [Fact]
    public async Task X3_a_reminder_delivered_five_times_at_once_reaches_the_owner_once_in_Chinese_with_English()
    {
        var notice = Notices.From(Reminder("S-001", "owner", 30));
        var recorded = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => Record.ApplyAsync("E1", notice))));
        await Send.RunOnceAsync(CancellationToken.None);
        await Send.RunOnceAsync(CancellationToken.None);

        Assert.Equal([0, 0, 0, 0, 1], recorded.Order());
        var mail = Assert.Single(_sink.Messages);
        Assert.Equal("s001@example.com", Assert.Single(mail.To.Mailboxes).Address);
        Assert.Equal("[X-3] 客户 C-1 的保护期还有 30 天到期 / Protection of customer C-1 ends in 30 days", mail.Subject);
        Assert.Equal("E1:S-001:email", mail.Headers[EmailSender.DeliveryHeader]);
        Assert.Contains("张三，您好：\nDear 张三,", mail.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("客户 C-1 的保护期最后一天是 2026-12-02，还有 30 天。", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("The last protected day of customer C-1 is 2026-12-02, 30 days from now.", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("<p>客户 C-1 的保护期最后一天是 2026-12-02，还有 30 天。<br><span lang=\"en\">", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatuses.Sent, (await Store.GetDeliveryAsync("E1:S-001:email"))!.Value.Status);
    }

    [Fact]
    public async Task P2_1_an_announcement_reaches_the_owner_the_branch_manager_and_its_secretaries_but_not_one_who_left()
    {
        await Directory.ApplyAsync(Employee("SEC-2", "赵秘书", Roles.BranchSecretary, "sec2@example.com", status: "left"), 2);
        var approved = new FilingApproved("C-1", "ID-1", "上海某某有限公司", "S-001", "B-SH", "R-EAST", "prospect", new(2026, 11, 2), LastDay,
            new(2026, 11, 5), null, _time.GetUtcNow());

        Assert.Equal(3, await Record.ApplyAsync("E2", Notices.From(approved)));
        await Send.RunOnceAsync(CancellationToken.None);

        Assert.Equal(["m001@example.com", "s001@example.com", "sec1@example.com"],
            _sink.Messages.Select(m => m.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal));
        Assert.All(_sink.Messages, m => Assert.StartsWith("[P-2.1] 备案公示：上海某某有限公司 / Filing announced: 上海某某有限公司", m.Subject, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_SMTP_outage_delays_the_mails_and_loses_none()
    {
        _retry = _retry with { MaxAttempts = 8 };
        _sink.Down = true;
        await Record.ApplyAsync("E3", Notices.From(Reminder("S-001", "owner", 7)));
        await Record.ApplyAsync("E4", Notices.From(Reminder("M-001", "manager", 7)));
        await Record.ApplyAsync("E5", Notices.From(new ProtectionLapsed("C-2", "ID-2", "S-001", "B-SH", LastDay, _time.GetUtcNow())));

        Assert.Equal(4, await Send.RunOnceAsync(CancellationToken.None));
        Assert.Equal(4, _sink.Refused);
        Assert.Equal(0, await Send.RunOnceAsync(CancellationToken.None)); // each waits out its backoff (1 minute after the first attempt)

        _sink.Down = false;
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(4, await Send.RunOnceAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await Send.RunOnceAsync(CancellationToken.None));

        Assert.Equal(["E3:S-001:email", "E4:M-001:email", "E5:M-001:email", "E5:S-001:email"],
            _sink.Messages.Select(m => m.Headers[EmailSender.DeliveryHeader]).Order(StringComparer.Ordinal));
        var settled = await Store.GetDeliveryAsync("E5:M-001:email");
        Assert.Equal((DeliveryStatuses.Sent, 2), (settled!.Value.Status, settled.Value.Attempts));
    }

    [Fact]
    public async Task A_delivery_that_keeps_failing_is_recorded_failed_after_N_attempts_and_listed_to_hq_only()
    {
        _sink.Down = true;
        await Record.ApplyAsync("E6", Notices.From(Reminder("S-001", "owner", 1)));

        for (var pass = 0; pass < 6; pass++)
        {
            await Send.RunOnceAsync(CancellationToken.None);
            _time.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal(3, _sink.Refused); // MaxAttempts, then no more
        var failed = (await Store.GetDeliveryAsync("E6:S-001:email"))!.Value;
        Assert.Equal((DeliveryStatuses.Failed, 3), (failed.Status, failed.Attempts));
        Assert.StartsWith("SmtpCommandException", failed.LastError!, StringComparison.Ordinal);
        Assert.Null(await Store.Due.DueAtAsync("E6:S-001:email"));

        var listed = await new ListFailedDeliveries(Store).ExecuteAsync(Hq, 0, null);
        Assert.Equal(["E6:S-001:email"], listed.Items.Select(d => d.DeliveryId));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => new ListFailedDeliveries(Store).ExecuteAsync(new("S-001", Roles.Salesperson, "B-SH", "R-EAST"), 0, null));
    }

    [Fact]
    public async Task Recipients_a_notice_recorded_before_the_employees_EmployeeJoined_is_applied_is_mailed_once_the_copy_has_them()
    {
        // A salesperson who joined a second ago: Territory's EmployeeJoined is not in the worker's copy yet.
        Assert.Equal(1, await Record.ApplyAsync("J1", Notices.From(Reminder("S-NEW", "owner", 30))));
        Assert.Equal(1, await Send.RunOnceAsync(CancellationToken.None));
        Assert.Empty(_sink.Messages);

        await Directory.ApplyAsync(Employee("S-NEW", "孙新", Roles.Salesperson, "snew@example.com"), 1);
        _time.Advance(TimeSpan.FromMinutes(1)); // the retry schedule's first delay
        Assert.Equal(1, await Send.RunOnceAsync(CancellationToken.None));

        var mail = Assert.Single(_sink.Messages);
        Assert.Equal(("snew@example.com", "J1:S-NEW:email"), (mail.To.Mailboxes.Single().Address, mail.Headers[EmailSender.DeliveryHeader]));
        Assert.Contains("孙新，您好：\nDear 孙新,", mail.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        var sent = (await Store.GetDeliveryAsync("J1:S-NEW:email"))!.Value;
        Assert.Equal((DeliveryStatuses.Sent, 2), (sent.Status, sent.Attempts));
        Assert.Empty((await new ListFailedDeliveries(Store).ExecuteAsync(Hq, 0, null)).Items);
    }

    [Fact]
    public async Task Recipients_P2_1_a_branch_whose_manager_and_secretaries_the_copy_does_not_know_yet_is_announced_to_them_once_it_does()
    {
        var approved = new FilingApproved("C-3", "ID-3", "北京某某有限公司", "S-001", "B-BJ", "R-NORTH", "prospect", new(2026, 11, 2), LastDay,
            new(2026, 11, 5), null, _time.GetUtcNow());
        Assert.Equal(3, await Record.ApplyAsync("J2", Notices.From(approved))); // the owner, and the branch's two roles held by no one yet
        await Send.RunOnceAsync(CancellationToken.None);
        Assert.Equal(["s001@example.com"], _sink.Messages.Select(m => m.To.Mailboxes.Single().Address));

        await Directory.ApplyAsync(new BranchSnapshot("B-BJ", "R-NORTH", "北京分公司", "branch", true, "M-BJ", false), 1);
        await Directory.ApplyAsync(Employee("M-BJ", "周经理", Roles.BranchManager, "mbj@example.com") with { BranchId = "B-BJ" }, 1);
        await Directory.ApplyAsync(Employee("SEC-BJ", "吴秘书", Roles.BranchSecretary, "secbj@example.com") with { BranchId = "B-BJ" }, 1);
        _time.Advance(TimeSpan.FromMinutes(1));
        await Send.RunOnceAsync(CancellationToken.None);

        Assert.Equal([("J2:S-001:email", "s001@example.com"), ("J2:role:manager:B-BJ:email", "mbj@example.com"), ("J2:role:secretaries:B-BJ:email", "secbj@example.com")],
            _sink.Messages.Select(m => (m.Headers[EmailSender.DeliveryHeader]!, m.To.Mailboxes.Single().Address)).OrderBy(m => m.Item1, StringComparer.Ordinal));
        Assert.Empty((await new ListFailedDeliveries(Store).ExecuteAsync(Hq, 0, null)).Items);
    }

    [Fact]
    public async Task Recipients_P8_one_who_never_appears_in_the_copy_or_never_has_an_address_is_failed_after_N_attempts_with_the_reason_and_listed()
    {
        await Record.ApplyAsync("E7", Notices.From(new PenaltyImposed("F-1", "V-1", "P-5", "S-NOMAIL", "violator", 5000m, 5000m, null, false, _time.GetUtcNow())));
        await Record.ApplyAsync("E8", Notices.From(Reminder("S-UNKNOWN", "owner", 30)));
        for (var pass = 0; pass < 2; pass++)
        {
            await Send.RunOnceAsync(CancellationToken.None);
            _time.Advance(TimeSpan.FromHours(1));
        }

        Assert.Empty((await new ListFailedDeliveries(Store).ExecuteAsync(Hq, 0, null)).Items); // two attempts of three: still waiting for the copy
        for (var pass = 0; pass < 4; pass++)
        {
            await Send.RunOnceAsync(CancellationToken.None);
            _time.Advance(TimeSpan.FromHours(1));
        }

        Assert.Empty(_sink.Messages);
        var listed = (await new ListFailedDeliveries(Store).ExecuteAsync(Hq, 0, null)).Items.OrderBy(d => d.EventId, StringComparer.Ordinal).ToList();
        Assert.Equal([("E7", "P-8", 3, ResolveAddressees.NoAddress), ("E8", "X-3", 3, ResolveAddressees.NotInDirectory)],
            listed.Select(d => (d.EventId, d.RuleId, d.Attempts, d.LastError)));
        Assert.Null(await Store.Due.DueAtAsync("E8:S-UNKNOWN:email"));
    }

    [Fact]
    public async Task C9_a_recipient_who_left_before_the_mail_went_is_not_mailed_nor_listed_as_failed()
    {
        await Record.ApplyAsync("L1", Notices.From(Reminder("S-001", "owner", 30)));
        await Directory.ApplyAsync(Employee("S-001", "张三", Roles.Salesperson, "s001@example.com", status: "left"), 2);
        await Send.RunOnceAsync(CancellationToken.None);

        Assert.Empty(_sink.Messages);
        var withdrawn = (await Store.GetDeliveryAsync("L1:S-001:email"))!.Value;
        Assert.Equal((DeliveryStatuses.Withdrawn, ResolveAddressees.HasLeft), (withdrawn.Status, withdrawn.LastError));
        Assert.Null(await Store.Due.DueAtAsync("L1:S-001:email"));
        Assert.Empty((await new ListFailedDeliveries(Store).ExecuteAsync(Hq, 0, null)).Items);
    }

    [Fact]
    public void M1_an_overdue_follow_up_is_the_owners_alone_mutable_and_digested_among_other_notices()
    {
        var notice = Notices.From(new FollowUpOverdue("C-7", "S-001", "B-SH", "potential", new(2026, 10, 20), new(2026, 10, 28), 2, _time.GetUtcNow()));

        Assert.Equal((NoticeKinds.FollowUpOverdue, "M-1", DigestSections.Other, (string?)null), (notice.Kind, notice.RuleId, notice.Digest, notice.BranchChat));
        Assert.Equal(["S-001"], notice.Audience.Employees);
        Assert.Equal((0, 0, false), (notice.Audience.ManagersOfBranches.Count, notice.Audience.SecretariesOfBranches.Count, notice.Audience.Hq));
        Assert.Contains(NoticeKinds.FollowUpOverdue, NoticeKinds.All);
        Assert.False(NoticeKinds.NeverMuted.ContainsKey(NoticeKinds.FollowUpOverdue));
        Assert.Equal("客户 C-7（潜力客户）最近一次计入的联系（或本期开始）是 2026-10-20，自 2026-10-28 起逾期未跟进（第 2 个逾期周期）。", notice.Lines[0].Zh);
        Assert.Equal("Customer C-7 (potential) was last contacted, as counted (or its period began), on 2026-10-20; its follow-up is overdue since 2026-10-28 (overdue period 2).",
            notice.Lines[0].En);
    }

    [Fact]
    public async Task M1_an_overdue_follow_up_delivered_twice_reaches_its_owner_once_in_Chinese_with_English()
    {
        var notice = Notices.From(new FollowUpOverdue("C-7", "S-001", "B-SH", "important", new(2026, 10, 20), new(2026, 10, 28), 1, _time.GetUtcNow()));

        Assert.Equal(1, await Record.ApplyAsync("U1", notice));
        Assert.Equal(0, await Record.ApplyAsync("U1", notice));
        await Send.RunOnceAsync(CancellationToken.None);

        var mail = Assert.Single(_sink.Messages);
        Assert.Equal(("s001@example.com", "[M-1] 客户 C-7 的跟进已逾期 / Follow-up of customer C-7 is overdue"), (mail.To.Mailboxes.Single().Address, mail.Subject));
        Assert.Contains("请记录一次附凭证的联系或进展（M-2）。\nRecord a contact or progress, with its evidence (M-2).",
            mail.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task P7_a_dealer_losing_its_right_to_stay_asks_hq_and_tells_the_branch_manager_once_as_a_decision_waiting()
    {
        var notice = Notices.From(new DealerRightToStayEnded("D-9", "B-SH", "R-EAST", "V-1", "P-5", ["B-SH", "B-HZ"], _time.GetUtcNow()));

        Assert.Equal((NoticeKinds.DealerReviewDue, "P-7", DigestSections.Decide), (notice.Kind, notice.RuleId, notice.Digest));
        Assert.True(notice.Audience.Hq);
        Assert.Equal(["B-SH"], notice.Audience.ManagersOfBranches);
        Assert.Contains(NoticeKinds.DealerReviewDue, NoticeKinds.All);
        Assert.False(NoticeKinds.NeverMuted.ContainsKey(NoticeKinds.DealerReviewDue));

        Assert.Equal(2, await Record.ApplyAsync("P7", notice));
        Assert.Equal(0, await Record.ApplyAsync("P7", notice));
        await Send.RunOnceAsync(CancellationToken.None);

        const string subject = "[P-7] 经销商 D-9 不再具备在本大区保留的资格，请总部决定转为点对点或终止 / Dealer D-9 may no longer stay: hq converts it to point-to-point or ends it";
        Assert.Equal([("hq1@example.com", subject), ("m001@example.com", subject)],
            _sink.Messages.Select(m => (m.To.Mailboxes.Single().Address, m.Subject!)).Order());
        Assert.All(_sink.Messages, m => Assert.Contains("has a confirmed violation V-1 (P-5), and the region has a direct branch or office (B-SH, B-HZ).",
            m.TextBody, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_failed_list_pages_and_refuses_a_bad_page_size_with_the_field()
    {
        _retry = _retry with { MaxAttempts = 1 };
        for (var i = 0; i < 3; i++)
        {
            await Record.ApplyAsync($"F{i}", Notices.From(Reminder("S-NOMAIL", "owner", 30)));
            await Send.RunOnceAsync(CancellationToken.None);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var first = await new ListFailedDeliveries(Store).ExecuteAsync(Hq, 2, null);
        var second = await new ListFailedDeliveries(Store).ExecuteAsync(Hq, 2, first.NextPageToken);
        Assert.Equal(["F2", "F1"], first.Items.Select(d => d.EventId));
        Assert.Equal(["F0"], second.Items.Select(d => d.EventId));
        Assert.Null(second.NextPageToken);
        var refused = await Assert.ThrowsAsync<RequestValidationException>(() => new ListFailedDeliveries(Store).ExecuteAsync(Hq, 501, null));
        Assert.Equal("page_size", Assert.Single(refused.Violations).Field);
    }

    [Fact]
    public async Task X3_a_person_who_muted_reminders_gets_none_while_the_manager_still_does()
    {
        var owner = new Caller("S-001", Roles.Salesperson, "B-SH", "R-EAST");
        var preferences = new NoticePreferences(Store, new DigestSchedule(), Clock);
        Assert.Equal([NoticeKinds.ProtectionReminder], await preferences.MuteAsync(owner, NoticeKinds.ProtectionReminder));

        await Record.ApplyAsync("M1", Notices.From(Reminder("S-001", "owner", 7)));
        await Record.ApplyAsync("M2", Notices.From(Reminder("M-001", "manager", 7)));
        await Send.RunOnceAsync(CancellationToken.None);

        Assert.Equal(["m001@example.com"], _sink.Messages.Select(m => m.To.Mailboxes.Single().Address));
        Assert.Empty(await preferences.UnmuteAsync(owner, NoticeKinds.ProtectionReminder));
    }

    [Theory]
    [InlineData(NoticeKinds.PenaltyImposed, "P-8")]
    [InlineData(NoticeKinds.OwnershipAwarded, "P-9")]
    public async Task P8_P9_a_fine_or_a_decision_addressed_to_oneself_cannot_be_muted(string kind, string rule)
    {
        var refused = await Assert.ThrowsAsync<PolicyRefusalException>(() => new NoticePreferences(Store, new DigestSchedule(), Clock).MuteAsync(new("S-001", Roles.Salesperson, "B-SH", "R-EAST"), kind));

        Assert.Equal((rule, kind), (refused.RuleId, refused.Metadata["kind"]));
        Assert.Empty(await new NoticePreferences(Store, new DigestSchedule(), Clock).GetAsync(new("S-001", Roles.Salesperson, "B-SH", "R-EAST")));
    }

    [Fact]
    public async Task An_unknown_kind_is_refused_by_field()
    {
        var refused = await Assert.ThrowsAsync<RequestValidationException>(() => new NoticePreferences(Store, new DigestSchedule(), Clock).MuteAsync(new("S-001", Roles.Salesperson, null, null), "everything"));

        Assert.Equal("kind", Assert.Single(refused.Violations).Field);
    }

    [Fact]
    public async Task The_directory_copy_keeps_the_newest_version_whatever_the_order()
    {
        await Directory.ApplyAsync(Employee("S-001", "张三", Roles.Salesperson, "new@example.com"), 3);
        await Directory.ApplyAsync(Employee("S-001", "张三", Roles.Salesperson, "old@example.com"), 2);

        Assert.Equal(("new@example.com", 3L), ((await Store.GetEmployeeAsync("S-001"))!.Value.Email, (await Store.GetEmployeeAsync("S-001"))!.Version));
    }
}
