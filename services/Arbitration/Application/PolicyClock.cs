using CustomerProtection.Policy;
using NodaTime;

namespace CustomerProtection.Arbitration.Application;

/// <summary>
/// The policy as it stands now: the versioned parameters (P-14), the calendar in force (replaceable
/// at run time), M-3's response times, and the shared clock. Use cases ask it for "now" and "today"
/// (Asia/Shanghai) and for the numbers in force on the day of an event.
/// </summary>
public sealed class PolicyClock(PolicyBook book, CalendarProvider calendars, Domain.ResponseTimeBook responseTimes, TimeProvider time)
{
    public PolicyBook Book => book;

    public WorkingDayCalendar Calendar => calendars.Current;

    public Domain.ResponseTimeBook ResponseTimes => responseTimes;

    public DateTimeOffset UtcNow => time.GetUtcNow();

    public DateOnly Today => Dates.ToDateOnly(PolicyTime.Today(time));

    /// <summary>P-14: the parameters in force on the day of the event.</summary>
    public PolicyParameters On(DateOnly day) => book.For(Dates.ToLocalDate(day));

    /// <summary>Period arithmetic with the calendar in force now and the roll-forward rule of the event's day.</summary>
    public PeriodArithmetic Arithmetic(DateOnly eventDay) => new(calendars.Current, On(eventDay).RollForward);

    public static DateOnly DateOf(DateTimeOffset instant) => Dates.ToDateOnly(PolicyTime.DateOf(Instant.FromDateTimeOffset(instant)));
}
