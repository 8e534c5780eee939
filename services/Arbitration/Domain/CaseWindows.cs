
namespace CustomerProtection.Arbitration.Domain;

/// <summary>
/// The filing windows of a case, as data evaluated against the day of the request: P-2.2 (and
/// P-2.3) the objection window after an announcement, P-4.5 the complaint window after discovery.
/// Both are "within N working days of an event" (the event day not counted, a filing on the N-th
/// working day in time), with N in force on the day of the event (P-14).
/// </summary>
public static class CaseWindows
{
    /// <summary>P-2.2: the window runs from the announcement (the filing's approval).</summary>
    public static WindowCheck Objection(PolicyBook book, WorkingDayCalendar calendar, DateOnly announcedOn, DateOnly today)
    {
        var parameters = book.For(Dates.ToLocalDate(announcedOn));
        return new PeriodArithmetic(calendar, parameters.RollForward)
            .WithinWorkingDays(Dates.ToLocalDate(announcedOn), Dates.ToLocalDate(today), parameters.ObjectionWindowWorkingDays);
    }

    /// <summary>P-4.5: the window runs from the day the injured party discovered the encroachment.</summary>
    public static WindowCheck Complaint(PolicyBook book, WorkingDayCalendar calendar, DateOnly discoveredOn, DateOnly today)
    {
        var parameters = book.For(Dates.ToLocalDate(discoveredOn));
        return new PeriodArithmetic(calendar, parameters.RollForward)
            .WithinWorkingDays(Dates.ToLocalDate(discoveredOn), Dates.ToLocalDate(today), parameters.ComplaintWindowWorkingDays);
    }

    /// <summary>P-2.2: an objection is allowed from the announcement to the window's last day; later it is refused with the deadline.</summary>
    public static void EnsureObjectionInTime(PolicyBook book, WorkingDayCalendar calendar, DateOnly announcedOn, DateOnly today)
    {
        var check = Objection(book, calendar, announcedOn, today);
        if (!check.Allowed)
        {
            var days = book.For(Dates.ToLocalDate(announcedOn)).ObjectionWindowWorkingDays;
            throw new PolicyRefusalException("P-2.2",
                $"异议期已于 {Dates.Iso(Dates.ToDateOnly(check.Deadline))} 结束（公示后 {days} 个工作日）/ the objection window ended on {Dates.Iso(Dates.ToDateOnly(check.Deadline))} ({days} working days after the announcement)",
                new Dictionary<string, string>
                {
                    ["announced_on"] = Dates.Iso(announcedOn),
                    ["deadline"] = Dates.Iso(Dates.ToDateOnly(check.Deadline)),
                    ["working_days"] = days.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["filed_on"] = Dates.Iso(today),
                    ["provisional"] = check.Provisional ? "true" : "false",
                });
        }
    }

    /// <summary>P-4.5: a complaint is due within N working days of discovery; a later one is refused with the deadline.</summary>
    public static void EnsureComplaintInTime(PolicyBook book, WorkingDayCalendar calendar, DateOnly discoveredOn, DateOnly today)
    {
        var check = Complaint(book, calendar, discoveredOn, today);
        if (!check.Allowed)
        {
            var days = book.For(Dates.ToLocalDate(discoveredOn)).ComplaintWindowWorkingDays;
            throw new PolicyRefusalException("P-4.5",
                $"投诉期已于 {Dates.Iso(Dates.ToDateOnly(check.Deadline))} 结束（发现后 {days} 个工作日内）/ complaints were due by {Dates.Iso(Dates.ToDateOnly(check.Deadline))} (within {days} working days of discovery)",
                new Dictionary<string, string>
                {
                    ["discovered_on"] = Dates.Iso(discoveredOn),
                    ["deadline"] = Dates.Iso(Dates.ToDateOnly(check.Deadline)),
                    ["working_days"] = days.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["filed_on"] = Dates.Iso(today),
                    ["provisional"] = check.Provisional ? "true" : "false",
                });
        }
    }
}
