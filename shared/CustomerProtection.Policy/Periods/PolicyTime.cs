using NodaTime;

namespace CustomerProtection.Policy;

/// <summary>
/// The policy's clock and time zone. Every date the policy talks about is a date in
/// Asia/Shanghai; "now" comes only from an injected <see cref="TimeProvider"/> (architecture.md,
/// "Time"), so that tests and demos can move time for the whole system.
/// </summary>
public static class PolicyTime
{
    /// <summary>Asia/Shanghai from the TZDB bundled with NodaTime.</summary>
    public static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>The current instant according to <paramref name="timeProvider"/>.</summary>
    public static Instant Now(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return Instant.FromDateTimeOffset(timeProvider.GetUtcNow());
    }

    /// <summary>Today's date in Asia/Shanghai according to <paramref name="timeProvider"/>.</summary>
    public static LocalDate Today(TimeProvider timeProvider) => DateOf(Now(timeProvider));

    /// <summary>The date in Asia/Shanghai on which <paramref name="instant"/> falls.</summary>
    public static LocalDate DateOf(Instant instant) => instant.InZone(Shanghai).Date;

    /// <summary>00:00 Asia/Shanghai of <paramref name="date"/> (the earliest valid instant of the
    /// day, should the zone ever have a gap at midnight).</summary>
    public static Instant StartOfDay(LocalDate date) => date.AtStartOfDayInZone(Shanghai).ToInstant();
}
