using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Web;
using Aspire.Hosting.ApplicationModel;
using CustomerProtection.Notifications.V1;
using CustomerProtection.Platform.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Protos;
using CustomerProtection.Registration.V1;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// The notices as a deployment sends them (docs/notifications.md): through an SMTP relay and a branch's chat robots
/// of the test's own (<see cref="TlsSystemFixture"/>), not smtp4dev.
/// </summary>
public sealed partial class TlsTests
{
    [Fact]
    public async Task P2_1_an_announcement_reaches_each_branch_robot_once_in_its_platforms_format_signed_by_the_platforms_rule()
    {
        var org = await TestOrganisation.ImportAsync(system, system.RobotBranchSuffix);
        var title = $"机器人通知{org.S}有限公司";
        await FileAndApproveAsync(org, title);
        var subject = $"[P-2.1] 备案公示：{title} / Filing announced: {title}";

        var posts = await Eventually.GetAsync(() => Task.FromResult(RobotPosts(title) is { Count: >= 3 } all ? all : null),
            "the announcement at the three robots", TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(3)); // a second post would have been sent by now (the worker polls every second)
        Assert.Equal(["/cgi-bin/webhook/send", "/open-apis/bot/v2/hook/feishu-hook", "/robot/send"],
            RobotPosts(title).Select(p => new Uri(new Uri(system.Robots.BaseUrl), p.PathAndQuery).AbsolutePath).Order(StringComparer.Ordinal));

        // WeCom (企业微信): markdown, the key in the URL as configured, nothing signed.
        var wecom = posts.Single(p => p.PathAndQuery.StartsWith("/cgi-bin/", StringComparison.Ordinal));
        Assert.Equal("/cgi-bin/webhook/send?key=wecom-key", wecom.PathAndQuery);
        Assert.Equal("markdown", wecom.Body.GetProperty("msgtype").GetString());
        Assert.StartsWith($"### {subject}\n", wecom.Body.GetProperty("markdown").GetProperty("content").GetString(), StringComparison.Ordinal);

        // DingTalk (钉钉): markdown with a title; timestamp (ms) and sign in the query.
        var dingtalk = posts.Single(p => p.PathAndQuery.StartsWith("/robot/", StringComparison.Ordinal));
        var query = HttpUtility.ParseQueryString(new Uri(new Uri(system.Robots.BaseUrl), dingtalk.PathAndQuery).Query);
        Assert.Equal("dingtalk-token", query["access_token"]);
        Assert.Equal("markdown", dingtalk.Body.GetProperty("msgtype").GetString());
        Assert.Equal(subject, dingtalk.Body.GetProperty("markdown").GetProperty("title").GetString());
        Assert.StartsWith($"### {subject}\n", dingtalk.Body.GetProperty("markdown").GetProperty("text").GetString(), StringComparison.Ordinal);
        var dingtalkTimestamp = query["timestamp"]!;

        // Feishu (飞书): text; timestamp (s) and sign in the body.
        var feishu = posts.Single(p => p.PathAndQuery.StartsWith("/open-apis/", StringComparison.Ordinal));
        Assert.Equal("text", feishu.Body.GetProperty("msg_type").GetString());
        Assert.StartsWith($"{subject}\n", feishu.Body.GetProperty("content").GetProperty("text").GetString(), StringComparison.Ordinal);
        var feishuTimestamp = feishu.Body.GetProperty("timestamp").GetString()!;

        // The signatures as each platform checks them, computed here from the platforms' rules: DingTalk's
        // HMAC-SHA256 keyed with the secret over "timestamp\nsecret"; Feishu's keyed with "timestamp\nsecret" over nothing.
        Assert.Equal(
            (Base64Hmac(system.DingTalkSecret, $"{dingtalkTimestamp}\n{system.DingTalkSecret}"), Base64Hmac($"{feishuTimestamp}\n{system.FeishuSecret}", "")),
            (query["sign"], feishu.Body.GetProperty("sign").GetString()));
        // The wall clock's time (the platforms refuse one more than an hour off theirs), not the business clock's.
        var now = DateTimeOffset.UtcNow;
        Assert.InRange(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(dingtalkTimestamp)), now.AddHours(-1), now);
        Assert.InRange(DateTimeOffset.FromUnixTimeSeconds(long.Parse(feishuTimestamp)), now.AddHours(-1), now);
    }

    [Fact]
    public async Task X3_an_smtp_outage_only_delays_the_mails_none_is_listed_failed_and_the_restarted_relay_gets_each_exactly_once()
    {
        await system.App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Notifications);
        var org = await TestOrganisation.ImportAsync(system, withEmail: true);
        var title = $"中继中断{org.S}有限公司";
        var announced = $"[P-2.1] 备案公示：{title} / Filing announced: {title}";
        // The 30 days bring M-1's overdue follow-up reminder too; this test counts the announcement and X-3's, so S1 mutes that one.
        await new CustomerProtection.Notifications.V1.Notifications.NotificationsClient(system.Channel(ResourceNames.Notifications)).MuteNoticesAsync(
            new CustomerProtection.Notifications.V1.MuteNoticesRequest { Kind = "follow_up_overdue" }, org.Salesperson1);

        await system.Relay.StopAsync();
        try
        {
            // The announcement (P-2.1) to S1, the manager and the secretary, while the relay is down.
            var approved = await FileAndApproveAsync(org, title);
            await FailedAttemptsAsync(org, 3);

            // X-3: the clock moved to 30 days before the last protected day; the owner's reminder, while the relay is down.
            var today = DateOnly.Parse(await org.TodayAsync(), System.Globalization.CultureInfo.InvariantCulture);
            var reminderDay = approved.LastProtectedDay.ToDateOnly().AddDays(-30);
            await AdvanceAsync(TimeSpan.FromDays(reminderDay.DayNumber - today.DayNumber));
            await FailedAttemptsAsync(org, 4);

            Assert.Empty(MailsTo(org));
            Assert.Empty(await FailedDeliveriesAsync(org));

            // The relay back on the same port; the clock past the longest backoff (Notifications:Retry:MaxDelay, 1 h).
            system.Relay.Start();
            await AdvanceAsync(TimeSpan.FromHours(1));
            var reminder = $"[X-3] 客户 {approved.CustomerId} 的保护期还有 30 天到期 / Protection of customer {approved.CustomerId} ends in 30 days";
            string[] expected = [.. new[] { "BM", "S1", "SEC" }.Select(n => $"{org.EmailOf(n)} {announced}"), $"{org.EmailOf("S1")} {reminder}"];

            await Eventually.GetAsync(() => Task.FromResult(MailsTo(org) is { Count: >= 4 } mails ? mails : null), "the four mails after the outage", TimeSpan.FromSeconds(60));
            // Past every backoff once more: a delivery sent but not settled as sent would be sent again now.
            await AdvanceAsync(TimeSpan.FromHours(1));
            await Task.Delay(TimeSpan.FromSeconds(3)); // a second send would have happened by now (the worker polls every second)
            var arrived = MailsTo(org);
            Assert.Equal(expected.Order(StringComparer.Ordinal), arrived.Select(m => $"{m.To} {m.Subject}").Order(StringComparer.Ordinal));
            Assert.Equal(4, arrived.Select(m => m.Delivery).Distinct().Count());
            Assert.Empty(await FailedDeliveriesAsync(org));
        }
        finally
        {
            // Up again for the tests after this one, whether this one failed with the relay down or up.
            await system.Relay.StopAsync();
            system.Relay.Start();
        }
    }

    /// <summary>Moves the shared clock (Registration's, which every service follows).</summary>
    private async Task AdvanceAsync(TimeSpan by) =>
        await new Clock.ClockClient(system.Channel(ResourceNames.Registration))
            .AdvanceAsync(new AdvanceRequest { By = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(by) }, system.As("HQ-1", Roles.Hq));

    /// <summary>S1 files a prospect after a visit today, the secretary approves: announced (P-2.1), protected 90 days (P-3.4: declared sales of 400,000 CNY).</summary>
    private async Task<CustomerView> FileAndApproveAsync(TestOrganisation org, string title)
    {
        var customers = new Customers.CustomersClient(system.Channel(ResourceNames.Registration));
        var filing = TestOrganisation.Filing(title, "", await org.TodayAsync());
        filing.DeclaredAnnualSales = "400000";
        var filed = await customers.FileCustomerAsync(filing, org.Salesperson1);
        return await customers.ApproveFilingAsync(new ApproveFilingRequest { CustomerId = filed.CustomerId }, org.Secretary);
    }

    private static string Base64Hmac(string key, string message) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(message)));

    /// <summary>The robots' posts about <paramref name="title"/> (in any of the body's strings).</summary>
    private List<(string PathAndQuery, JsonElement Body)> RobotPosts(string title) =>
        [.. system.Robots.Posts.Where(p => Strings(p.Body).Any(text => text.Contains(title, StringComparison.Ordinal)))];

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        JsonValueKind.String => [element.GetString()!],
        _ => [],
    };

    private sealed record Mail(string To, string Subject, string Delivery);

    /// <summary>What the relay accepted for this organisation's people (their addresses carry its suffix).</summary>
    private List<Mail> MailsTo(TestOrganisation org) =>
        [.. system.Relay.Messages.SelectMany(m => m.To.Mailboxes.Select(to => new Mail(to.Address, m.Subject ?? "", m.Headers["X-CustomerProtection-Delivery"] ?? "")))
            .Where(m => m.To.EndsWith($"-{org.S}@example.com", StringComparison.Ordinal))];

    /// <summary>
    /// Waits until the worker has tried, and failed, to send <paramref name="deliveries"/> of this organisation's
    /// mails (its log says so): the outage was met, not merely not yet reached.
    /// </summary>
    private async Task FailedAttemptsAsync(TestOrganisation org, int deliveries)
    {
        var attempt = new Regex($@"Delivery (\S+:\w+-{org.S}:email) attempt \d+ failed");
        await Eventually.GetAsync(async () =>
        {
            HashSet<string> failed = [.. (await system.LogLinesAsync(ResourceNames.Notifications)).Select(l => attempt.Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value)];
            return failed.Count >= deliveries ? failed : null;
        }, $"{deliveries} failed attempts in the worker's log", TimeSpan.FromSeconds(60));
    }

    /// <summary>The failed deliveries hq is shown (every page) that are addressed to this organisation's people.</summary>
    private async Task<List<Delivery>> FailedDeliveriesAsync(TestOrganisation org)
    {
        var notifications = new CustomerProtection.Notifications.V1.Notifications.NotificationsClient(system.Channel(ResourceNames.Notifications));
        List<Delivery> failed = [];
        var request = new ListFailedDeliveriesRequest { PageSize = 500 };
        do
        {
            var page = await notifications.ListFailedDeliveriesAsync(request, system.As("HQ-1", Roles.Hq));
            failed.AddRange(page.Deliveries.Where(d => d.RecipientId.EndsWith($"-{org.S}", StringComparison.Ordinal)));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        return failed;
    }
}
