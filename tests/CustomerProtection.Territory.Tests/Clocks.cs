using CustomerProtection.Policy;

namespace CustomerProtection.Territory.Tests;

/// <summary>The clock seam the use cases take, over a test's fake time, the default policy book and the calendar files.</summary>
internal static class Clocks
{
    private static readonly CalendarProvider Calendars = CalendarProvider.Create();

    public static PolicyClock Policy(TimeProvider time) => new(PolicyBook.Default, Calendars, time);
}
