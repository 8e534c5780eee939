using NodaTime;

namespace CustomerProtection.Notifications.Domain;

/// <summary>
/// Where a notice goes in a daily digest (<see cref="Notice.Digest"/>): what lapses this week (7- and 1-day
/// reminders, lapses), what waits for the person's decision (escalations: P-10, M-3), and the rest
/// (announcements, 30-day reminders, overdue follow-ups). A notice without a section is never digested: a fine (P-8) or a decision
/// (P-9) addressed to someone comes at once, as it cannot be muted either.
/// </summary>
public static class DigestSections
{
    public const string Lapsing = "lapsing";
    public const string Decide = "decide";
    public const string Other = "other";

    /// <summary>The sections in the order the digest lists them, each with its heading.</summary>
    public static readonly IReadOnlyList<(string Section, Bilingual Heading)> Ordered =
    [
        (Lapsing, new("本周到期或已到期：", "Lapsing this week, or lapsed:")),
        (Decide, new("待您决定：", "Waiting for your decision:")),
        (Other, new("其他通知：", "Other notices:")),
    ];
}

/// <summary>One notice held back for a person's digest: kept in the worker's store in the step that records the notice.</summary>
public sealed record DigestItem(string EventId, string RuleId, string Section, Bilingual Subject);

/// <summary>
/// When the daily digests go out: at <see cref="Hour"/>:00 Asia/Shanghai (the policy's zone) each day, on the
/// system's clock. Section <c>Notifications:Digest</c>.
/// </summary>
public sealed record DigestSchedule
{
    public const string SectionName = "Notifications:Digest";

    public int Hour { get; init; } = 8;

    /// <summary>The first digest hour strictly after <paramref name="now"/>.</summary>
    public DateTimeOffset NextAfter(DateTimeOffset now)
    {
        var instant = Instant.FromDateTimeOffset(now);
        var today = PolicyTime.DateOf(instant);
        var at = (today + LocalTime.FromHourMinuteSecondTick(Hour, 0, 0, 0)).InZoneLeniently(PolicyTime.Shanghai).ToInstant();
        if (at <= instant)
        {
            at = (today.PlusDays(1) + LocalTime.FromHourMinuteSecondTick(Hour, 0, 0, 0)).InZoneLeniently(PolicyTime.Shanghai).ToInstant();
        }

        return at.ToDateTimeOffset();
    }
}
