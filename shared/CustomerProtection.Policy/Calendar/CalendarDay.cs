using NodaTime;

namespace CustomerProtection.Policy;

/// <summary>
/// One entry of a calendar data file: a statutory holiday (<c>IsOffDay = true</c>) or an adjusted
/// working day (调休上班日, <c>IsOffDay = false</c>). Ordinary weekends are never listed.
/// </summary>
public sealed record CalendarDay(LocalDate Date, bool IsOffDay, string Name);
