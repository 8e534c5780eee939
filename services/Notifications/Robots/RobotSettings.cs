namespace CustomerProtection.Notifications.Robots;

/// <summary>The team chat platforms whose group robots the worker posts to.</summary>
public static class RobotPlatforms
{
    /// <summary>企业微信 WeCom: markdown message, no signing (the key is in the webhook URL).</summary>
    public const string WeCom = "wecom";

    /// <summary>钉钉 DingTalk: markdown message; <c>timestamp</c> and <c>sign</c> in the query.</summary>
    public const string DingTalk = "dingtalk";

    /// <summary>飞书 Feishu: text message; <c>timestamp</c> and <c>sign</c> in the body.</summary>
    public const string Feishu = "feishu";

    public static readonly IReadOnlyList<string> All = [WeCom, DingTalk, Feishu];
}

/// <summary>One group robot of a branch's team chat: section <c>Notifications:Robots:&lt;n&gt;</c>.</summary>
public sealed record Robot
{
    /// <summary>Unique; names the robot in its deliveries (the URL and secret stay in configuration).</summary>
    public string Name { get; init; } = "";

    /// <summary>The branch whose group hears the branch's notices (announcements, lapses, complaints).</summary>
    public string Branch { get; init; } = "";

    /// <summary><see cref="RobotPlatforms"/>.</summary>
    public string Platform { get; init; } = "";

    /// <summary>The robot's webhook URL, as the platform gives it (with its key or access token).</summary>
    public string Url { get; init; } = "";

    /// <summary>The signing secret (DingTalk's <c>SEC…</c>, Feishu's); none: the robot does not check signatures.</summary>
    public string? Secret { get; init; }
}

/// <summary>The configured robots, checked at start (a misspelt platform or a missing URL fails it).</summary>
public sealed class RobotBook
{
    public const string SectionName = "Notifications:Robots";

    private readonly Dictionary<string, Robot> _byName;

    public RobotBook(IReadOnlyList<Robot> robots)
    {
        foreach (var robot in robots)
        {
            if (robot.Name.Length == 0 || robot.Branch.Length == 0 || !RobotPlatforms.All.Contains(robot.Platform) || !Uri.TryCreate(robot.Url, UriKind.Absolute, out _))
            {
                throw new InvalidOperationException($"{SectionName}: robot '{robot.Name}' needs a Name, a Branch, a Platform ({string.Join(", ", RobotPlatforms.All)}) and an absolute Url");
            }
        }

        _byName = robots.ToDictionary(r => r.Name, StringComparer.Ordinal);
    }

    public IEnumerable<Robot> OfBranch(string branchId) => _byName.Values.Where(r => r.Branch == branchId).OrderBy(r => r.Name, StringComparer.Ordinal);

    public Robot? Named(string name) => _byName.GetValueOrDefault(name);
}
