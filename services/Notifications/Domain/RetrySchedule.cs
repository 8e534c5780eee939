namespace CustomerProtection.Notifications.Domain;

/// <summary>
/// How a failed delivery is tried again: after <see cref="FirstDelay"/>, doubling up to <see cref="MaxDelay"/>,
/// at most <see cref="MaxAttempts"/> attempts in all; then it is recorded as failed (and listed to hq), never dropped.
/// Section <c>Notifications:Retry</c>.
/// </summary>
public sealed record RetrySchedule
{
    public const string SectionName = "Notifications:Retry";

    /// <summary>With the other defaults: tried for about three and a half hours (10 s, 20 s … then hourly) before it is failed.</summary>
    public int MaxAttempts { get; init; } = 12;

    /// <summary>
    /// Short, because the commonest miss heals in seconds: the directory copy not having applied the event that brings a
    /// recipient yet (docs/notifications.md, "Where, at each attempt to send"); a relay's outage doubles its way up.
    /// </summary>
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromHours(1);

    /// <summary>After the <paramref name="attempts"/>-th failed attempt: when to try again, or null when it has failed for good.</summary>
    public TimeSpan? DelayAfter(int attempts)
    {
        if (attempts >= MaxAttempts)
        {
            return null;
        }

        var delay = FirstDelay.Ticks * Math.Pow(2, attempts - 1);
        return TimeSpan.FromTicks((long)Math.Min(delay, MaxDelay.Ticks));
    }
}
