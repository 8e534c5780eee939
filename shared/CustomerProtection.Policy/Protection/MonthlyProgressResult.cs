using NodaTime;

namespace CustomerProtection.Policy;

/// <summary>
/// The monthly progress check of a major prospect (P-3.4).
/// </summary>
/// <param name="CheckedMonths">The calendar months judged so far (complete, after the approval month,
/// within the protection period).</param>
/// <param name="MissedMonths">The judged months with no recorded progress, in order.</param>
/// <param name="Flagged">True once <see cref="PolicyParameters.MajorProgressMissedMonthsToFlag"/> months are missed.</param>
/// <param name="FlaggedOn">The day the flag was raised: the 1st of the month after the flagging missed month.</param>
/// <param name="Lapsed">True once <see cref="PolicyParameters.MajorProgressMissedMonthsToLapse"/> months are missed.</param>
/// <param name="LastProtectedDay">When lapsed: the last day of the lapsing missed month.</param>
/// <param name="LapsedOn">When lapsed: the first unprotected day (the 1st of the next month).</param>
/// <param name="LapsedAt">When lapsed: 00:00 Asia/Shanghai of <paramref name="LapsedOn"/>.</param>
public sealed record MonthlyProgressResult(
    IReadOnlyList<YearMonth> CheckedMonths,
    IReadOnlyList<YearMonth> MissedMonths,
    bool Flagged,
    LocalDate? FlaggedOn,
    bool Lapsed,
    LocalDate? LastProtectedDay,
    LocalDate? LapsedOn,
    Instant? LapsedAt)
{
    public const string RuleId = "P-3.4";

    /// <summary>How many judged months had no progress.</summary>
    public int MonthsMissing => MissedMonths.Count;
}
