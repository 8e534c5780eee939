namespace CustomerProtection.Notifications.Domain;

/// <summary>
/// How a failed delivery is tried again: after <see cref="FirstDelay"/>, doubling up to <see cref="MaxDelay"/>,
/// at most <see cref="MaxAttempts"/> attempts in all; then it is recorded as failed (and listed to hq), never dropped.
/// Section <c>Notifications:Retry</c>.
/// </summary>
public sealed record RetrySchedule
{
    public const string SectionName = "Notifications:Retry";

    public int MaxAttempts { get; init; } = 8;

    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMinutes(1);

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
