using CustomerProtection.Policy;
using NodaTime;

namespace CustomerProtection.Time;

/// <summary>
/// The one clock seam every use case asks about time: now (the one <see cref="TimeProvider"/>, the
/// shared controllable clock where it is on), today in Asia/Shanghai (policy.md: every date the policy
/// talks about), the parameters in force on a day (P-14: the day of the event) and the working-day
/// calendar in force (replaceable at run time). Registered by <see cref="PolicyInForceExtensions.AddPolicyInForce"/>;
/// what only one service needs is a helper beside it over this clock, not a second clock.
/// </summary>
public sealed class PolicyClock(PolicyBook book, CalendarProvider calendars, TimeProvider time)
{
    public PolicyBook Book => book;

    /// <summary>The calendar in force now: a deadline is re-evaluated with it when it is acted on (policy.md, Period arithmetic).</summary>
    public WorkingDayCalendar Calendar => calendars.Current;

    public Instant Now => PolicyTime.Now(time);

    public DateTimeOffset UtcNow => time.GetUtcNow();

    /// <summary>Today in Asia/Shanghai.</summary>
    public LocalDate Today => PolicyTime.Today(time);

    /// <summary>Today in Asia/Shanghai as records, events and the wire carry a date.</summary>
    public DateOnly TodayDate => Dates.ToDateOnly(Today);

    /// <summary>P-14: the parameters in force on the day of the event.</summary>
    public PolicyParameters On(LocalDate day) => book.For(day);

    /// <inheritdoc cref="On(LocalDate)"/>
    public PolicyParameters On(DateOnly day) => book.For(Dates.ToLocalDate(day));

    /// <summary>Period arithmetic with the calendar in force now and the roll-forward rule of the event's day.</summary>
    public PeriodArithmetic Arithmetic(DateOnly eventDay) => new(calendars.Current, On(eventDay).RollForward);
}
