using NodaTime;

namespace CustomerProtection.Policy;

/// <summary>
/// The end of a period counted in days (policy.md, "Period arithmetic").
/// </summary>
/// <param name="LastDay">The last protected day; it is protected until 24:00 Asia/Shanghai.</param>
/// <param name="EndsAt">Exclusive end: 00:00 Asia/Shanghai of the day after <paramref name="LastDay"/>,
/// from which the customer is unprotected.</param>
/// <param name="RolledForward">True when art. 203 moved the last day off a rest day.</param>
/// <param name="Provisional">True when the answer depended on a year without calendar data.</param>
public sealed record ProtectionEnd(LocalDate LastDay, Instant EndsAt, bool RolledForward, bool Provisional)
{
    /// <summary>The last day before any roll-forward: start + days.</summary>
    public LocalDate NominalLastDay { get; init; } = LastDay;

    /// <summary>True iff the period still protects at <paramref name="now"/>.</summary>
    public bool IsActiveAt(Instant now) => now < EndsAt;
}
