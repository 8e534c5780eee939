namespace CustomerProtection.Policy;

/// <summary>
/// A value computed from the working-day calendar. <see cref="Provisional"/> is true when the
/// computation touched a date in a year whose calendar file is missing or empty: that date was
/// treated as weekends-only, and whatever acts on the value must re-evaluate it with the calendar
/// in force at that moment (policy.md, "Period arithmetic").
/// </summary>
public readonly record struct CalendarResult<T>(T Value, bool Provisional);
