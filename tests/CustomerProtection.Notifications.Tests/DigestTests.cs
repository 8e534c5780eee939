using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Organization;
using CustomerProtection.Contracts.Penalty;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Notifications.Application;
using CustomerProtection.Notifications.Domain;
using CustomerProtection.Notifications.Email;
using CustomerProtection.Notifications.Persistence;
using CustomerProtection.Notifications.Robots;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CustomerProtection.Notifications.Tests;

/// <summary>
/// The daily digest against a real redis-server and an SMTP sink, on the fake clock: a person who chose it gets the
/// notices that allow it (not fines, P-8, nor decisions, P-9) in one mail at the digest hour (08:00 Asia/Shanghai),
/// none on a day with nothing, and one a day however often the loop runs.
/// </summary>
public sealed class DigestTests(RedisServer redis, SmtpSink _sink) : IClassFixture<RedisServer>, IClassFixture<SmtpSink>, IAsyncLifetime
{
    private static readonly Caller Manager = new("M-001", Roles.BranchManager, "B-SH", "R-EAST");
    private static readonly DateOnly LastDay = new(2026, 11, 9);

    // 09:00 on 2 November in Shanghai: the next digest hour is 08:00 on 3 November (00:00 UTC).
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 2, 1, 0, 0, TimeSpan.Zero));
    private static readonly DateTimeOffset DigestHour = new(2026, 11, 3, 0, 0, 0, TimeSpan.Zero);

    private WorkerParts Parts => new(redis, _sink, _time);
    private NotificationStore Store => Parts.Store;
    private RecordNotice Record => Parts.Record;
    private NoticePreferences Preferences => new(Store, new DigestSchedule(), Parts.Clock);
    private SendDueDigests Digests => new(Store, new DigestSchedule(), Parts.Clock, NullLogger<SendDueDigests>.Instance);
    private SendDueDeliveries Send => Parts.Send(new RetrySchedule());

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        _sink.Reset();
        var directory = new CopyDirectory(Store);
        await directory.ApplyAsync(new BranchSnapshot("B-SH", "R-EAST", "上海分公司", "branch", true, "M-001", false), 1);
        await directory.ApplyAsync(Employee("S-001", "张三", Roles.Salesperson, "s001@example.com"), 1);
        await directory.ApplyAsync(Employee("M-001", "李经理", Roles.BranchManager, "m001@example.com"), 1);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static EmployeeSnapshot Employee(string id, string name, string role, string email) =>
        new(id, name, role, "B-SH", "R-EAST", role == Roles.Salesperson ? "M-001" : null, "active", new DateOnly(2020, 1, 1), null, email);

    private Notice ManagerReminder(string customer, int days) => Notices.From(new ProtectionReminderDue(customer, "M-001", "manager", days, LastDay, _time.GetUtcNow()));

    private Notice Complaint() => Notices.From(new CustomerComplaintEscalated("CC-1", "C-9", "B-SH", "M-001", "S-001", new(2026, 11, 1), _time.GetUtcNow(), _time.GetUtcNow()));

    private async Task<int> AtTheHourAsync()
    {
        _time.SetUtcNow(DigestHour);
        var written = await Digests.RunOnceAsync(CancellationToken.None);
        await Send.RunOnceAsync(CancellationToken.None);
        return written;
    }

    [Fact]
    public async Task Digest_singles_are_held_back_for_one_who_chose_it_but_a_fine_P8_still_comes_at_once()
    {
        await Preferences.SetDigestAsync(Manager, daily: true);
        await Record.ApplyAsync("E1", Notices.From(new ProtectionReminderDue("C-1", "S-001", "owner", 7, LastDay, _time.GetUtcNow())));
        await Record.ApplyAsync("E2", ManagerReminder("C-1", 7));
        await Record.ApplyAsync("E3", Notices.From(new PenaltyImposed("F-1", "V-1", "P-5", "M-001", "manager", 500m, 500m, null, false, _time.GetUtcNow())));
        await Send.RunOnceAsync(CancellationToken.None);

        Assert.Equal(["E1:S-001:email", "E3:M-001:email"], _sink.Messages.Select(m => m.Headers[EmailSender.DeliveryHeader]).Order(StringComparer.Ordinal));
        Assert.Equal(["E2"], (await Store.HeldForDigestAsync("M-001")).Select(h => h.Item.EventId));
        Assert.True(await Preferences.DigestAsync(Manager));
    }

    [Fact]
    public async Task Digest_a_place_resolved_late_to_one_who_took_the_notice_in_their_digest_does_not_tell_them_again()
    {
        // X-3's lapse names its former owner, M-001 (who chose the digest), and the manager of B-NEW, a branch the copy
        // has not applied yet: the notice is held for M-001's digest and addressed to the place role:manager:B-NEW.
        await Preferences.SetDigestAsync(Manager, daily: true);
        await Record.ApplyAsync("L1", Notices.From(new ProtectionLapsed("C-1", "uscc:1", "M-001", "B-NEW", LastDay, _time.GetUtcNow())));
        Assert.Equal(["L1"], (await Store.HeldForDigestAsync("M-001")).Select(h => h.Item.EventId));

        // The copy learns that M-001 manages B-NEW; the digest is sent; then the place's mail is tried.
        await new CopyDirectory(Store).ApplyAsync(new BranchSnapshot("B-NEW", "R-EAST", "新分公司", "branch", true, "M-001", false), 1);
        Assert.Equal(1, await AtTheHourAsync());
        await Send.RunOnceAsync(CancellationToken.None);

        var mail = Assert.Single(_sink.Messages);
        Assert.StartsWith("[摘要 Digest]", mail.Subject, StringComparison.Ordinal);
        var place = (await Store.GetDeliveryAsync("L1:role:manager:B-NEW:email"))!.Value;
        Assert.Equal((DeliveryStatuses.Withdrawn, ResolveAddressees.HoldersTold), (place.Status, place.LastError));
    }

    [Fact]
    public async Task Digest_one_mail_at_the_hour_lists_what_lapses_this_week_and_what_waits_for_a_decision()
    {
        await Preferences.SetDigestAsync(Manager, daily: true);
        await Record.ApplyAsync("E1", ManagerReminder("C-1", 7));
        await Record.ApplyAsync("E2", Complaint());
        await Record.ApplyAsync("E3", Notices.From(new ProtectionLapsed("C-2", "ID-2", "S-001", "B-SH", new(2026, 11, 1), _time.GetUtcNow())));

        _time.SetUtcNow(DigestHour.AddMinutes(-1));
        Assert.Equal(0, await Digests.RunOnceAsync(CancellationToken.None)); // 07:59 in Shanghai: not yet
        Assert.Equal(1, await AtTheHourAsync());

        // The former owner, S-001, did not choose a digest: the lapse reached them at once.
        Assert.Equal(["E3:S-001:email"], _sink.Messages.Where(m => m.To.Mailboxes.Single().Address == "s001@example.com").Select(m => m.Headers[EmailSender.DeliveryHeader]));
        var mail = Assert.Single(_sink.Messages, m => m.To.Mailboxes.Single().Address == "m001@example.com");
        Assert.Equal("[摘要 Digest] 2026-11-03 每日通知摘要 / Daily digest", mail.Subject);
        Assert.Equal("digest-2026-11-03:M-001:email", mail.Headers[EmailSender.DeliveryHeader]);
        var text = mail.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.Contains(
            "本周到期或已到期：\nLapsing this week, or lapsed:\n\n" +
            "· [X-3] 客户 C-1 的保护期还有 7 天到期\n· [X-3] Protection of customer C-1 ends in 7 days\n\n" +
            "· [X-3] 客户 C-2 的保护期已结束\n· [X-3] Protection of customer C-2 has lapsed\n\n" +
            "待您决定：\nWaiting for your decision:\n\n" +
            "· [M-3] 客户投诉 CC-1 超过答复期限\n· [M-3] Customer complaint CC-1 is past its response time\n\n", text, StringComparison.Ordinal);
        Assert.Contains("<p>待您决定：<br><span lang=\"en\">Waiting for your decision:</span></p>", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Empty(await Store.HeldForDigestAsync("M-001"));
        Assert.Equal(DigestHour.AddDays(1).ToUnixTimeMilliseconds(), await Store.Digests.DueAtAsync("M-001"));
    }

    [Fact]
    public async Task Digest_none_on_a_day_with_nothing_held_back()
    {
        await Preferences.SetDigestAsync(Manager, daily: true);

        Assert.Equal(0, await AtTheHourAsync());

        Assert.Empty(_sink.Messages);
        Assert.Null(await Store.GetDeliveryAsync("digest-2026-11-03:M-001:email"));
        Assert.Equal(DigestHour.AddDays(1).ToUnixTimeMilliseconds(), await Store.Digests.DueAtAsync("M-001")); // still chosen: tomorrow's
    }

    [Fact]
    public async Task Digest_not_twice_in_a_day_when_the_loop_runs_twice_or_a_second_replica_claims_it_again()
    {
        await Preferences.SetDigestAsync(Manager, daily: true);
        await Record.ApplyAsync("E1", ManagerReminder("C-1", 7));
        _time.SetUtcNow(DigestHour);
        var replicas = await Task.WhenAll(Digests.RunOnceAsync(CancellationToken.None), Digests.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await Digests.RunOnceAsync(CancellationToken.None));

        // A notice after today's digest, and a replica whose claim of today's entry outlived its lease (the entry due
        // again today): today's digest exists, so it writes none and the notice waits for tomorrow's.
        await Record.ApplyAsync("E2", Complaint());
        await redis.Connection.GetDatabase().SortedSetAddAsync(NotificationKeys.DigestsDue, "M-001", DigestHour.ToUnixTimeMilliseconds());
        Assert.Equal(0, await Digests.RunOnceAsync(CancellationToken.None));
        await Send.RunOnceAsync(CancellationToken.None);

        Assert.Equal([0, 1], replicas.Order());
        var mail = Assert.Single(_sink.Messages);
        Assert.DoesNotContain("CC-1", mail.TextBody, StringComparison.Ordinal);
        Assert.Equal(["E2"], (await Store.HeldForDigestAsync("M-001")).Select(h => h.Item.EventId));

        _time.SetUtcNow(DigestHour.AddDays(1));
        Assert.Equal(1, await Digests.RunOnceAsync(CancellationToken.None));
        await Send.RunOnceAsync(CancellationToken.None);
        Assert.Equal(["digest-2026-11-03:M-001:email", "digest-2026-11-04:M-001:email"],
            _sink.Messages.Select(m => m.Headers[EmailSender.DeliveryHeader]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Digest_off_sends_singles_again_and_what_was_held_still_comes_in_the_next_digest()
    {
        await Preferences.SetDigestAsync(Manager, daily: true);
        await Record.ApplyAsync("E1", ManagerReminder("C-1", 7));
        await Preferences.SetDigestAsync(Manager, daily: false);
        await Record.ApplyAsync("E2", Complaint());
        await Send.RunOnceAsync(CancellationToken.None);
        Assert.Equal(["E2:M-001:email"], _sink.Messages.Select(m => m.Headers[EmailSender.DeliveryHeader]));

        Assert.Equal(1, await AtTheHourAsync());
        Assert.Equal(2, _sink.Messages.Count);
        Assert.Null(await Store.Digests.DueAtAsync("M-001")); // no longer chosen, nothing held: no more digests
    }

    [Fact]
    public async Task Digest_a_notice_recorded_while_the_digest_is_switched_off_and_the_last_digest_goes_comes_as_a_single_mail()
    {
        await Preferences.SetDigestAsync(Manager, daily: true);
        await Record.ApplyAsync("E1", ManagerReminder("C-1", 7));

        // The record reads "digest on"; before it commits, the manager switches the digest off and the last digest goes.
        var interleaved = false;
        var record = new RecordNotice(Store, new RobotBook([]), Parts.Clock, NullLogger<RecordNotice>.Instance)
        {
            AfterReading = async () =>
            {
                if (!interleaved)
                {
                    interleaved = true;
                    await Preferences.SetDigestAsync(Manager, daily: false);
                    Assert.Equal(1, await AtTheHourAsync());
                }
            },
        };
        Assert.Equal(1, await record.ApplyAsync("E2", Complaint()));
        await Send.RunOnceAsync(CancellationToken.None);

        Assert.Equal(["E2:M-001:email", "digest-2026-11-03:M-001:email"], _sink.Messages.Select(m => m.Headers[EmailSender.DeliveryHeader]).Order(StringComparer.Ordinal));
        Assert.Empty(await Store.HeldForDigestAsync("M-001"));
        Assert.Null(await Store.Digests.DueAtAsync("M-001"));
    }

    [Fact]
    public async Task Digest_switched_back_on_while_the_last_digest_after_off_is_written_keeps_the_person_due()
    {
        await Preferences.SetDigestAsync(Manager, daily: true);
        await Record.ApplyAsync("E1", ManagerReminder("C-1", 7));
        await Preferences.SetDigestAsync(Manager, daily: false);

        // The digest step reads "off" (its last digest, then out of the due-queue); before it commits, the digest is on again.
        var interleaved = false;
        var digests = new SendDueDigests(Store, new DigestSchedule(), Parts.Clock, NullLogger<SendDueDigests>.Instance)
        {
            AfterReading = async () =>
            {
                if (!interleaved)
                {
                    interleaved = true;
                    await Preferences.SetDigestAsync(Manager, daily: true);
                }
            },
        };
        _time.SetUtcNow(DigestHour);
        Assert.Equal(1, await digests.RunOnceAsync(CancellationToken.None));
        Assert.Equal(DigestHour.AddDays(1).ToUnixTimeMilliseconds(), await Store.Digests.DueAtAsync("M-001"));

        // What is held from now on comes in the next day's digest.
        await Record.ApplyAsync("E2", Complaint());
        _time.SetUtcNow(DigestHour.AddDays(1));
        Assert.Equal(1, await Digests.RunOnceAsync(CancellationToken.None));
        await Send.RunOnceAsync(CancellationToken.None);
        Assert.Equal(["digest-2026-11-03:M-001:email", "digest-2026-11-04:M-001:email"],
            _sink.Messages.Select(m => m.Headers[EmailSender.DeliveryHeader]).Order(StringComparer.Ordinal));
        Assert.Contains("CC-1", _sink.Messages.Single(m => m.Headers[EmailSender.DeliveryHeader] == "digest-2026-11-04:M-001:email").TextBody, StringComparison.Ordinal);
    }
}
