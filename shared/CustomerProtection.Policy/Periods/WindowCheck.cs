using NodaTime;

namespace CustomerProtection.Policy;

/// <summary>
/// The answer to "within N working days of an event" (P-4.5: a complaint within 7 working days of
/// discovery).
/// </summary>
/// <param name="Allowed">True iff the filing date is on or before <paramref name="Deadline"/>.</param>
/// <param name="Deadline">The last day on which filing is in time (the N-th working day after the event).</param>
/// <param name="Provisional">True when the deadline depended on a year without calendar data.</param>
public sealed record WindowCheck(bool Allowed, LocalDate Deadline, bool Provisional);
