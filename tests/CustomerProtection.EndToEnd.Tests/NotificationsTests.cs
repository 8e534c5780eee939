using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CustomerProtection.Cli;
using CustomerProtection.Cli.Core;
using CustomerProtection.Platform.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Protos;
using CustomerProtection.Registration.V1;
using CustomerProtection.Territory.V1;
using Google.Protobuf;
using Grpc.Core;
using CustomerProtection.Contracts.Registration;
using MassTransit;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// The notifications worker through the AppHost: the notices a customer's life causes arrive as e-mails in
/// smtp4dev (read through its REST API), to the right addresses, once each, as the shared clock moves.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class NotificationsTests(SystemFixture system)
{
    private Metadata Hq => system.As("HQ-1", Roles.Hq);
    private Clock.ClockClient RegistrationClock => new(system.Channel(ResourceNames.Registration));

    private sealed record Mail(string To, string Subject);

    [Fact]
    public async Task X3_and_P2_1_the_announcement_the_30_7_and_1_day_reminders_and_the_lapse_arrive_once_each_at_the_right_addresses()
    {
        var s = Guid.NewGuid().ToString("N")[..8];
        string Address(string name) => $"{name.ToLowerInvariant()}-{s}@example.com";
        // P-3.4: declared sales of 400,000 CNY protect a prospect 90 days, so each of X-3's reminders has its day (30 days would skip the first).
        var (approved, expected) = await FileAndAnnounceAsync(s, $"通知客户{s}有限公司", declaredSales: "400000");
        var lastDay = approved.LastProtectedDay.ToDateOnly();
        var id = approved.CustomerId;
        // The same days bring M-1's overdue follow-up reminders (once per overdue period); this test counts X-3's, so S1 mutes those.
        await new CustomerProtection.Notifications.V1.Notifications.NotificationsClient(system.Channel(ResourceNames.Notifications)).MuteNoticesAsync(
            new CustomerProtection.Notifications.V1.MuteNoticesRequest { Kind = "follow_up_overdue" }, system.As($"S1-{s}", Roles.Salesperson, $"B-SH-{s}", $"R-EAST-{s}"));

        foreach (var days in new[] { 30, 7, 1 })
        {
            await AdvanceToAsync(lastDay.AddDays(-days));
            var reminder = $"[X-3] 客户 {id} 的保护期还有 {days} 天到期 / Protection of customer {id} ends in {days} days";
            expected.Add(new(Address("S1"), reminder));
            if (days == 7)
            {
                expected.Add(new(Address("BM"), reminder)); // the manager 7 days before
            }

            await ExpectMailsAsync(s, expected);
        }

        await AdvanceToAsync(lastDay.AddDays(1));
        var lapsed = $"[X-3] 客户 {id} 的保护期已结束 / Protection of customer {id} has lapsed";
        expected.AddRange([new(Address("S1"), lapsed), new(Address("BM"), lapsed)]);
        await ExpectMailsAsync(s, expected);

        // Nothing more comes a moment later: each notice was sent once.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(Sorted(expected), Sorted(await MailsAsync(s)));
    }

    [Fact]
    public async Task X3_a_reminder_redelivered_through_RabbitMQ_with_its_message_id_after_it_was_sent_is_still_one_mail()
    {
        var s = Guid.NewGuid().ToString("N")[..8];
        string Address(string name) => $"{name.ToLowerInvariant()}-{s}@example.com";
        // The announcement's mails show the worker's directory copy has this branch's addresses.
        var (approved, expected) = await FileAndAnnounceAsync(s, $"重投客户{s}有限公司");

        var rabbitMq = new Uri(await system.App.GetConnectionStringAsync(ResourceNames.Messaging) ?? throw new InvalidOperationException("no messaging connection string"));
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(rabbitMq));
        using (var started = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await bus.StartAsync(started.Token);
        }

        try
        {
            var reminder = new ProtectionReminderDue(approved.CustomerId, $"S1-{s}", "owner", 7, approved.LastProtectedDay.ToDateOnly(),
                await PenaltyBus.NowAsync(system));
            var messageId = NewId.NextGuid();
            await bus.Publish(reminder, context => context.MessageId = messageId);
            expected.Add(new(Address("S1"), $"[X-3] 客户 {approved.CustomerId} 的保护期还有 7 天到期 / Protection of customer {approved.CustomerId} ends in 7 days"));
            await ExpectMailsAsync(s, expected);

            // Delivered again after it was sent, twice at once, as a broker redelivers an event whose ack was lost.
            await Task.WhenAll(bus.Publish(reminder, context => context.MessageId = messageId), bus.Publish(reminder, context => context.MessageId = messageId));
        }
        finally
        {
            await bus.StopAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(3)); // a second mail would have been sent by now (the worker polls every second)
        Assert.Equal(Sorted(expected), Sorted(await MailsAsync(s)));
    }

    [Fact]
    public async Task The_demo_ends_with_the_mails_it_caused_read_from_the_inbox_and_the_inbox_address()
    {
        await system.App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Notifications);
        var inbox = system.App.GetEndpoint("smtp4dev", "inbox").ToString().TrimEnd('/');
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CP_REGISTRATION"] = system.App.GetEndpoint(ResourceNames.Registration, ResourceNames.GrpcEndpoint).ToString(),
            ["CP_TERRITORY"] = system.App.GetEndpoint(ResourceNames.Territory, ResourceNames.GrpcEndpoint).ToString(),
            ["CP_ARBITRATION"] = system.App.GetEndpoint(ResourceNames.Arbitration, ResourceNames.GrpcEndpoint).ToString(),
            ["CP_PENALTY"] = system.App.GetEndpoint(ResourceNames.Penalty, ResourceNames.GrpcEndpoint).ToString(),
            ["CP_SIGNING_KEY"] = system.SigningKey,
            ["CP_INBOX"] = inbox,
        };
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);

        var exit = await CpctlApp.RunAsync(["demo", "--timeout", "60"], new CliEnvironment(stdout, stderr, environment, Path.GetTempPath()));

        var output = stdout.ToString();
        Assert.True(exit == ExitCodes.Ok, output + stderr);
        var ending = output[output.IndexOf("the notices the story e-mailed", StringComparison.Ordinal)..];
        // The story's announcements (P-2.1), its lapse, the escalation (P-10) to the west's regional manager and the fine (P-8).
        foreach (var expected in new[] { "[P-2.1] 备案公示", "的保护期已结束 / Protection of customer", "[P-10] 跨区备案", "[P-8] 罚款通知", $"open the inbox: {inbox}" })
        {
            Assert.True(ending.Contains(expected, StringComparison.Ordinal), $"not in the demo's ending: {expected}\n{ending}");
        }
    }

    [Fact]
    public async Task P8_muting_ones_fines_is_FailedPrecondition_citing_the_rule_a_digest_is_chosen_and_only_hq_lists_failed_deliveries()
    {
        await system.App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Notifications);
        var notifications = new CustomerProtection.Notifications.V1.Notifications.NotificationsClient(system.Channel(ResourceNames.Notifications));
        var s = Guid.NewGuid().ToString("N")[..8];
        var salesperson = system.As($"S1-{s}", Roles.Salesperson, $"B-SH-{s}", $"R-EAST-{s}");

        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await notifications.MuteNoticesAsync(new CustomerProtection.Notifications.V1.MuteNoticesRequest { Kind = "penalty_imposed" }, salesperson));
        var muted = await notifications.MuteNoticesAsync(new CustomerProtection.Notifications.V1.MuteNoticesRequest { Kind = "protection_reminder" }, salesperson);
        var denied = await Assert.ThrowsAsync<RpcException>(async () =>
            await notifications.ListFailedDeliveriesAsync(new CustomerProtection.Notifications.V1.ListFailedDeliveriesRequest(), salesperson));
        var listed = await notifications.ListFailedDeliveriesAsync(new CustomerProtection.Notifications.V1.ListFailedDeliveriesRequest { PageSize = 10 }, Hq);
        var digest = await notifications.SetNoticeDigestAsync(new CustomerProtection.Notifications.V1.SetNoticeDigestRequest { DailyDigest = true }, salesperson);
        var preferences = await notifications.GetNoticePreferencesAsync(new CustomerProtection.Notifications.V1.GetNoticePreferencesRequest(), salesperson);

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Equal("P-8", refused.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>().Reason);
        Assert.Equal(["protection_reminder"], muted.MutedKinds);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.True(listed.Deliveries.Count <= 10);
        Assert.True(digest.DailyDigest);
        Assert.Equal(["protection_reminder"], preferences.MutedKinds);
        Assert.True(preferences.DailyDigest);
    }

    /// <summary>
    /// A branch of its own (<see cref="ImportAsync"/>) and a customer its salesperson S1 filed and its secretary
    /// approved: the announcement's three mails (P-2.1) have arrived, and are the first of the mails returned.
    /// </summary>
    private async Task<(CustomerView Approved, List<Mail> Mails)> FileAndAnnounceAsync(string s, string title, string? declaredSales = null)
    {
        await system.App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Notifications);
        await ImportAsync(s);
        var customers = new Customers.CustomersClient(system.Channel(ResourceNames.Registration));
        var filing = TestOrganisation.Filing(title, "", Iso(await TodayAsync()));
        if (declaredSales is not null)
        {
            filing.DeclaredAnnualSales = declaredSales;
        }

        var filed = await customers.FileCustomerAsync(filing, system.As($"S1-{s}", Roles.Salesperson, $"B-SH-{s}", $"R-EAST-{s}"));
        var approved = filed.Status == CustomerStatus.Protected
            ? filed
            : await customers.ApproveFilingAsync(new ApproveFilingRequest { CustomerId = filed.CustomerId }, system.As($"SEC-{s}", Roles.BranchSecretary, $"B-SH-{s}", $"R-EAST-{s}"));
        var announced = $"[P-2.1] 备案公示：{title} / Filing announced: {title}";
        List<Mail> mails = [.. new[] { "S1", "BM", "SEC" }.Select(name => new Mail($"{name.ToLowerInvariant()}-{s}@example.com", announced))];
        await ExpectMailsAsync(s, mails);
        return (approved, mails);
    }

    /// <summary>A branch of its own whose people have e-mail addresses (the directory's optional column).</summary>
    private async Task ImportAsync(string s)
    {
        string Employee(string name, string role, string person) =>
            $$"""{"id":"{{name}}-{{s}}","name":"{{person}}","role":"{{role}}","branch_id":"B-SH-{{s}}","hire_date":"2020-01-02","email":"{{name.ToLowerInvariant()}}-{{s}}@example.com"}""";
        var json = $$"""
            {"regions":[{"id":"R-EAST-{{s}}","name":"华东大区"}],
             "branches":[{"id":"B-SH-{{s}}","region_id":"R-EAST-{{s}}","name":"上海分公司","kind":"branch","manager_id":"BM-{{s}}"}],
             "employees":[{{Employee("BM", "branch_manager", "经理")}}, {{Employee("S1", "salesperson", "张三")}}, {{Employee("SEC", "branch_secretary", "秘书")}}]}
            """;
        await new OrganizationDirectory.OrganizationDirectoryClient(system.Channel(ResourceNames.Territory))
            .ImportOrganizationAsync(new ImportOrganizationRequest { Format = ImportFormat.Json, Content = ByteString.CopyFrom(json, Encoding.UTF8) }, Hq);
        var replica = new OrganizationReplica.OrganizationReplicaClient(system.Channel(ResourceNames.Registration));
        foreach (var name in new[] { "BM", "S1", "SEC" })
        {
            await Eventually.GetAsync(async () => await replica.GetEmployeeAsync(new GetEmployeeReplicaRequest { EmployeeId = $"{name}-{s}" }, Hq), $"{name}-{s} in Registration");
        }
    }

    private async Task<DateOnly> TodayAsync() =>
        (await RegistrationClock.GetTimeAsync(new GetTimeRequest(), Hq)).Today.ToDateOnly();

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Moves the shared clock to <paramref name="day"/> (same time of day) unless it is there already (other tests move it too).</summary>
    private async Task AdvanceToAsync(DateOnly day)
    {
        var today = await TodayAsync();
        Assert.True(today <= day, $"the shared clock is already past {Iso(day)} ({Iso(today)})");
        if (today < day)
        {
            await RegistrationClock.AdvanceAsync(new AdvanceRequest { By = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromDays(day.DayNumber - today.DayNumber)) }, Hq);
        }
    }

    private static List<string> Sorted(IEnumerable<Mail> mails) => [.. mails.Select(m => $"{m.To} {m.Subject}").Order(StringComparer.Ordinal)];

    private async Task ExpectMailsAsync(string s, IReadOnlyList<Mail> expected)
    {
        var want = Sorted(expected);
        List<string> seen = [];
        try
        {
            await Eventually.GetAsync(async () =>
            {
                seen = Sorted(await MailsAsync(s));
                return seen.Count >= want.Count ? seen : null;
            }, $"{want.Count} mails in smtp4dev", TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            // The comparison below says which mails are missing.
        }

        Assert.Equal(want, seen);
    }

    /// <summary>The mails in smtp4dev addressed to this test's people (their addresses carry its suffix).</summary>
    private async Task<List<Mail>> MailsAsync(string s)
    {
        using var http = new HttpClient { BaseAddress = system.App.GetEndpoint("smtp4dev", "inbox") };
        var page = await http.GetFromJsonAsync<JsonElement>("/api/messages?pageSize=10000");
        return [.. page.GetProperty("results").EnumerateArray()
            .SelectMany(m => m.GetProperty("to").EnumerateArray().Select(to => new Mail(to.GetString()!, m.GetProperty("subject").GetString()!)))
            .Where(m => m.To.EndsWith($"-{s}@example.com", StringComparison.Ordinal))];
    }
}
