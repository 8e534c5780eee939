using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerProtection.Notifications.Domain;

namespace CustomerProtection.Notifications.Robots;

/// <summary>
/// Posts one delivery to a group robot in its platform's message format, signed where the platform signs. The
/// signing timestamp is the wall clock's (<paramref name="wallClock"/>), not the business clock's: the platforms
/// refuse a timestamp more than an hour from their own time.
/// </summary>
public sealed class RobotSender(HttpClient http, RobotBook robots, TimeProvider wallClock)
{
    /// <summary>Throws on any failure (not configured, unreachable, an HTTP error, the platform's non-zero code): the caller counts the attempt.</summary>
    public async Task SendAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        var robot = robots.Named(delivery.RecipientName)
            ?? throw new InvalidOperationException($"robot '{delivery.RecipientName}' is no longer configured ({RobotBook.SectionName})");
        var (url, body) = Message(robot, delivery.Subject, delivery.Text, wallClock.GetUtcNow());
        using var response = await http.PostAsJsonAsync(url, body, cancellationToken);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        // WeCom and DingTalk answer errcode, Feishu code; 0 is success.
        var code = answer.TryGetProperty("errcode", out var e) ? e.GetInt32() : answer.TryGetProperty("code", out var c) ? c.GetInt32() : 0;
        if (code != 0)
        {
            throw new HttpRequestException($"{robot.Platform} robot '{robot.Name}' refused the message: {answer}");
        }
    }

    /// <summary>The URL to post to and the JSON body, in the robot's platform's format.</summary>
    public static (Uri Url, JsonObject Body) Message(Robot robot, string subject, string markdown, DateTimeOffset now)
    {
        switch (robot.Platform)
        {
            case RobotPlatforms.WeCom:
                return (new Uri(robot.Url), new JsonObject
                {
                    ["msgtype"] = "markdown",
                    ["markdown"] = new JsonObject { ["content"] = $"### {subject}\n{markdown}" },
                });
            case RobotPlatforms.DingTalk:
                var url = robot.Url;
                if (robot.Secret is { Length: > 0 } dingSecret)
                {
                    var ms = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                    url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"timestamp={ms}&sign={Uri.EscapeDataString(DingTalkSign(ms, dingSecret))}";
                }

                return (new Uri(url), new JsonObject
                {
                    ["msgtype"] = "markdown",
                    ["markdown"] = new JsonObject { ["title"] = subject, ["text"] = $"### {subject}\n{markdown}" },
                });
            default:
                var body = new JsonObject
                {
                    ["msg_type"] = "text",
                    ["content"] = new JsonObject { ["text"] = $"{subject}\n{markdown}" },
                };
                if (robot.Secret is { Length: > 0 } feishuSecret)
                {
                    var seconds = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                    body["timestamp"] = seconds;
                    body["sign"] = FeishuSign(seconds, feishuSecret);
                }

                return (new Uri(robot.Url), body);
        }
    }

    /// <summary>DingTalk: Base64(HMAC-SHA256 keyed with the secret over <c>timestamp + "\n" + secret</c>), URL-encoded by the caller.</summary>
    public static string DingTalkSign(string timestampMs, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestampMs}\n{secret}")));

    /// <summary>Feishu: Base64(HMAC-SHA256 keyed with <c>timestamp + "\n" + secret</c> over an empty message).</summary>
    public static string FeishuSign(string timestampSeconds, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes($"{timestampSeconds}\n{secret}"), ReadOnlySpan<byte>.Empty));
}
