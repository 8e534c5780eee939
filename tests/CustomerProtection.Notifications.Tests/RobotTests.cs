using System.Text.Json;
using CustomerProtection.Contracts.Organization;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Notifications.Application;
using CustomerProtection.Notifications.Domain;
using CustomerProtection.Notifications.Email;
using CustomerProtection.Notifications.Persistence;
using CustomerProtection.Notifications.Robots;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Storage;
using CustomerProtection.Testing;
using CustomerProtection.Time;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CustomerProtection.Notifications.Tests;

/// <summary>
/// The branch team chat robots: the platforms' signatures against known vectors, and a branch's notice posted once
/// to each of its robots in WeCom's, DingTalk's and Feishu's format (an HTTP receiver in the test, real Redis).
/// </summary>
public sealed class RobotTests(RedisServer redis, SmtpSink smtp, WebhookReceiver receiver)
    : IClassFixture<RedisServer>, IClassFixture<SmtpSink>, IClassFixture<WebhookReceiver>, IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 12, 2, 1, 0, 0, TimeSpan.Zero));

    [Fact]
    public void DingTalk_signs_Base64_HMAC_SHA256_keyed_with_the_secret_over_timestamp_newline_secret()
    {
        // Vector: Python's hmac.new(secret, f"{ts}\n{secret}", sha256), base64.
        Assert.Equal("FGAF1JseDQx3R8ckMyeRWcKvHhnhaq+1z5QHYPH/uaI=", RobotSender.DingTalkSign("1764637200000", "SEC0123456789abcdef"));
    }

    [Fact]
    public void Feishu_signs_Base64_HMAC_SHA256_keyed_with_timestamp_newline_secret_over_nothing()
    {
        // Vector: Python's hmac.new(f"{ts}\n{secret}", b"", sha256), base64.
        Assert.Equal("Cv/IP6R7yj6QRHgz+QYMmKYZlBA8976K8BI8gZgeHPk=", RobotSender.FeishuSign("1764637200", "feishu-secret"));
    }

    [Fact]
    public void DingTalk_carries_timestamp_and_the_URL_encoded_sign_in_the_query()
    {
        var robot = new Robot { Name = "d", Branch = "B", Platform = RobotPlatforms.DingTalk, Url = "https://robot.example/send?access_token=T", Secret = "SEC0123456789abcdef" };

        var (url, _) = RobotSender.Message(robot, "s", "m", _time.GetUtcNow());

        Assert.Equal("?access_token=T&timestamp=1764637200000&sign=FGAF1JseDQx3R8ckMyeRWcKvHhnhaq%2B1z5QHYPH%2FuaI%3D", url.Query);
    }

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        smtp.Reset();
        receiver.Posts.Clear();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task P2_1_a_branch_announcement_reaches_each_of_its_robots_once_in_the_platforms_format()
    {
        var robots = new RobotBook(
        [
            new Robot { Name = "sh-wecom", Branch = "B-SH", Platform = RobotPlatforms.WeCom, Url = receiver.BaseUrl + "wecom?key=K" },
            new Robot { Name = "sh-ding", Branch = "B-SH", Platform = RobotPlatforms.DingTalk, Url = receiver.BaseUrl + "ding?access_token=T", Secret = "SEC-d" },
            new Robot { Name = "sh-feishu", Branch = "B-SH", Platform = RobotPlatforms.Feishu, Url = receiver.BaseUrl + "feishu/hook", Secret = "fs" },
            new Robot { Name = "bj-wecom", Branch = "B-BJ", Platform = RobotPlatforms.WeCom, Url = receiver.BaseUrl + "other" },
        ]);
        var store = new NotificationStore(redis.Connection, new RedisOutbox(ResourceNames.Notifications));
        var clock = new PolicyClock(PolicyBook.Default, CalendarProvider.Create(), _time);
        await new CopyDirectory(store).ApplyAsync(new EmployeeSnapshot("S-001", "张三", Roles.Salesperson, "B-SH", "R-EAST", null, "active", null, null, "s001@example.com"), 1);
        var record = new RecordNotice(store, robots, clock, NullLogger<RecordNotice>.Instance);
        var send = new SendDueDeliveries(store, new ResolveAddressees(store),
            new EmailSender(new SmtpSettings { Host = "127.0.0.1", Port = smtp.Port, Security = SecureSocketOptions.None }),
            new RobotSender(new HttpClient(), robots, _time), new RetrySchedule(), clock, NullLogger<SendDueDeliveries>.Instance);
        var notice = Notices.From(new FilingApproved("C-1", "ID-1", "上海某某有限公司", "S-001", "B-SH", "R-EAST", "prospect",
            new(2025, 12, 2), new(2026, 1, 1), new(2025, 12, 5), null, _time.GetUtcNow()));

        Assert.Equal(6, await record.ApplyAsync("E1", notice)); // the owner's e-mail, the branch's manager and secretaries (roles the copy knows no one in), its three robots
        Assert.Equal(0, await record.ApplyAsync("E1", notice));
        await send.RunOnceAsync(CancellationToken.None);
        await send.RunOnceAsync(CancellationToken.None);

        var posts = receiver.Posts.ToDictionary(p => p.PathAndQuery.Split('?')[0], StringComparer.Ordinal);
        Assert.Equal(["/ding", "/feishu/hook", "/wecom"], posts.Keys.Order(StringComparer.Ordinal));
        var subject = "[P-2.1] 备案公示：上海某某有限公司 / Filing announced: 上海某某有限公司";

        var wecom = posts["/wecom"];
        Assert.Equal("/wecom?key=K", wecom.PathAndQuery);
        Assert.Equal("markdown", wecom.Body.GetProperty("msgtype").GetString());
        Assert.StartsWith($"### {subject}\nS-001 对客户 上海某某有限公司（C-1）的备案已于 2025-12-02 批准并公示。\n> S-001's filing", wecom.Body.GetProperty("markdown").GetProperty("content").GetString(), StringComparison.Ordinal);

        var ding = posts["/ding"];
        var ms = _time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"/ding?access_token=T&timestamp={ms}&sign={Uri.EscapeDataString(RobotSender.DingTalkSign(ms, "SEC-d"))}", ding.PathAndQuery);
        Assert.Equal(("markdown", subject), (ding.Body.GetProperty("msgtype").GetString(), ding.Body.GetProperty("markdown").GetProperty("title").GetString()));
        Assert.StartsWith($"### {subject}\n", ding.Body.GetProperty("markdown").GetProperty("text").GetString(), StringComparison.Ordinal);

        var feishu = posts["/feishu/hook"].Body;
        var seconds = _time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(("text", seconds, RobotSender.FeishuSign(seconds, "fs")),
            (feishu.GetProperty("msg_type").GetString(), feishu.GetProperty("timestamp").GetString(), feishu.GetProperty("sign").GetString()));
        Assert.StartsWith($"{subject}\n", feishu.GetProperty("content").GetProperty("text").GetString(), StringComparison.Ordinal);

        Assert.Equal("s001@example.com", Assert.Single(smtp.Messages).To.Mailboxes.Single().Address);
        Assert.Equal(DeliveryStatuses.Sent, (await store.GetDeliveryAsync("E1:robot:sh-ding:dingtalk"))!.Value.Status);
    }
}
