using CustomerProtection.Policy;
using CustomerProtection.Registration.Domain;
using NodaTime;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// The policy as it stands now: the versioned parameters (P-14), the calendar in force (replaceable
/// at run time) and the shared clock. Use cases ask it for "now" and "today" (Asia/Shanghai) and to
/// evaluate a customer's protection at this instant.
/// </summary>
public sealed class PolicyClock(PolicyBook book, CalendarProvider calendars, TimeProvider time)
{
    public PolicyBook Book => book;

    public WorkingDayCalendar Calendar => calendars.Current;

    public Instant Now => PolicyTime.Now(time);

    public LocalDate Today => PolicyTime.Today(time);

    public DateTimeOffset UtcNow => time.GetUtcNow();

    /// <summary>The parameters in force on a day (P-14: the day of the event).</summary>
    public PolicyParameters On(LocalDate day) => book.For(day);

    public ProtectionState Evaluate(Customer customer) => Protection.Evaluate(customer, book, calendars.Current, Now);

    public ProtectionState Evaluate(Customer customer, Instant now) => Protection.Evaluate(customer, book, calendars.Current, now);
}
