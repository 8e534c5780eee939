using System.Diagnostics.CodeAnalysis;
using NodaTime;

namespace CustomerProtection.Policy;

/// <summary>
/// Period arithmetic as the policy applies it to every "N days" (policy.md, "Period arithmetic";
/// PRC Civil Code art. 201 and 203), in Asia/Shanghai. Pure: a calendar and a flag in, answers out.
/// </summary>
public sealed class PeriodArithmetic
{
    /// <param name="calendar">The working-day calendar in force.</param>
    /// <param name="rollForward">Art. 203 roll-forward of a last day that falls on a rest day
    /// (policy parameter <see cref="PolicyParameters.RollForward"/>, default on).</param>
    public PeriodArithmetic(WorkingDayCalendar calendar, bool rollForward = true)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        Calendar = calendar;
        RollForward = rollForward;
    }

    public WorkingDayCalendar Calendar { get; }

    public bool RollForward { get; }

    /// <summary>
    /// The last protected day of a period of <paramref name="days"/> days that starts on
    /// <paramref name="start"/> (a filing, approval or last-shipment date). Art. 201: the start day
    /// is not counted, so the nominal last day is start + days (filing 2026-03-10 with 30 days →
    /// 2026-04-09); the last day ends at 24:00, so the period ends at 00:00 of the next day.
    /// Art. 203 (when <see cref="RollForward"/>): a last day on a rest day — a weekend or a statutory
    /// holiday, but not an adjusted working Saturday — becomes the next working day.
    /// </summary>
    public ProtectionEnd LastProtectedDay(LocalDate start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var nominal = start.PlusDays(days);
        var lastDay = nominal;
        var provisional = false;
        if (RollForward)
        {
            // Whether the nominal day rolls depends on the calendar, even when it does not roll.
            (lastDay, provisional) = Calendar.NextWorkingDayOnOrAfter(nominal);
        }

        return new ProtectionEnd(lastDay, PolicyTime.StartOfDay(lastDay.PlusDays(1)), lastDay != nominal, provisional)
        {
            NominalLastDay = nominal,
        };
    }

    /// <summary>
    /// An hour period (P-10: 24 hours to confirm a cross-region filing) runs from the exact
    /// instant of the event, with no rounding to days and no roll-forward (art. 201 para. 1).
    /// </summary>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Part of the instance API: services hold one PeriodArithmetic for every period rule.")]
    public Instant HourDeadline(Instant start, int hours)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hours);
        return start + Duration.FromHours(hours);
    }

    /// <summary>
    /// "At least N days before expiry, inclusive" (P-3.3 for formal customers): with L the last
    /// protected day and d the request date, allowed iff L − d ≥ N calendar days. The latest
    /// allowed request date is L − N.
    /// </summary>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Part of the instance API: services hold one PeriodArithmetic for every period rule.")]
    public LeadTimeCheck AtLeastDaysBefore(LocalDate lastDay, LocalDate requestDate, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var have = Period.DaysBetween(requestDate, lastDay);
        return new LeadTimeCheck(have >= n, have, n, Math.Max(0, n - have), lastDay.PlusDays(-n), false);
    }

    /// <summary>
    /// "At least N working days before expiry, inclusive" (P-3.3 for prospects): allowed iff the
    /// number of working days in (d, L] is ≥ N. The latest allowed request date is the day before
    /// the N-th working day counted back from L (L itself included if it is a working day); it may
    /// be a rest day — a request written on a Sunday is dated that Sunday.
    /// </summary>
    public LeadTimeCheck AtLeastWorkingDaysBefore(LocalDate lastDay, LocalDate requestDate, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var (have, haveProvisional) = Calendar.CountWorkingDays(requestDate, lastDay);
        var (nthBack, latestProvisional) = Calendar.AddWorkingDays(lastDay.PlusDays(1), -n);
        return new LeadTimeCheck(
            have >= n,
            have,
            n,
            Math.Max(0, n - have),
            nthBack.PlusDays(-1),
            haveProvisional || latestProvisional);
    }

    /// <summary>
    /// "Within N working days of discovery" (P-4.5): the event day is not counted (art. 201), the
    /// deadline is the N-th working day after it, and a filing on the deadline is in time.
    /// </summary>
    public WindowCheck WithinWorkingDays(LocalDate discovery, LocalDate filedOn, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var (deadline, provisional) = Calendar.AddWorkingDays(discovery, n);
        return new WindowCheck(filedOn <= deadline, deadline, provisional);
    }
}
