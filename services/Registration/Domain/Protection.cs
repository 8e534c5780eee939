using NodaTime;

namespace CustomerProtection.Registration.Domain;

/// <summary>
/// A customer's protection at an instant (P-3.1–P-3.5): the period's end computed with the
/// parameters in force on the period's event day (P-14: the approval, claim or award day for a
/// prospect, the last shipment for a formal customer) and the calendar in force now, the P-3.4
/// monthly-progress sanction for a major prospect, and the status that follows.
/// </summary>
/// <param name="Rules">The rules of the period's event day (null when there is no period).</param>
/// <param name="PeriodEnd">The period's end with extensions (before any P-3.4 sanction).</param>
/// <param name="End">The effective end: the period's, or earlier when P-3.4 lapsed it.</param>
/// <param name="Status">The effective status: a protected customer whose end has passed is lapsed.</param>
/// <param name="Progress">P-3.4's monthly check, for a major prospect.</param>
/// <param name="DaysRemaining">While protected: policy days from today to the last protected day (0 on the last day).</param>
public sealed record ProtectionState(
    ProtectionRules? Rules,
    ProtectionEnd? PeriodEnd,
    ProtectionEnd? End,
    string Status,
    bool ProtectedNow,
    MonthlyProgressResult? Progress,
    int? DaysRemaining = null)
{
    /// <summary>Who holds the customer now (empty once lapsed, whether or not the lapse was processed).</summary>
    public string? OwnerOf(Customer customer) => Status is CustomerStatus.Protected or CustomerStatus.Pending ? customer.OwnerId : null;

    /// <summary>The previous owner and since when the customer is free (a computed lapse counts from its end).</summary>
    public (string? PreviousOwnerId, Instant? FreedAt) FreedOf(Customer customer) =>
        customer.Status == CustomerStatus.Protected && Status == CustomerStatus.Lapsed
            ? (customer.OwnerId, End?.EndsAt)
            : (customer.PreviousOwnerId, customer.FreedAt is { } at ? Instant.FromDateTimeOffset(at) : null);
}

public static class Protection
{
    public static LocalDate Local(DateOnly date) => LocalDate.FromDateOnly(date);

    public static DateOnly Date(LocalDate date) => date.ToDateOnly();

    /// <summary>The rules for a period that starts on <paramref name="eventDay"/> (P-14).</summary>
    public static ProtectionRules RulesFor(PolicyBook book, WorkingDayCalendar calendar, LocalDate eventDay) =>
        ProtectionRules.ForEvent(book, calendar, eventDay);

    /// <summary>
    /// The period's end (P-3.1 formal: 180 days from the last shipment or hq's special period;
    /// P-3.2/P-3.4 prospect: 30/90/120 days from the approval by declared sales), lengthened by the
    /// approved extensions (P-3.3). Null when the customer has no running period.
    /// </summary>
    public static (ProtectionRules Rules, ProtectionEnd End)? PeriodEnd(Customer customer, PolicyBook book, WorkingDayCalendar calendar)
    {
        if (customer.PeriodStart is not { } startDate)
        {
            return null;
        }

        var start = Local(startDate);
        var rules = RulesFor(book, calendar, start);
        var end = customer.Stage == Stages.Formal
            ? rules.FormalProtection(start, customer.ExtensionDays, customer.SpecialPeriodDays)
            : rules.ProspectProtection(start, customer.Sales, customer.ExtensionDays);
        return (rules, end);
    }

    /// <summary>The customer's protection at <paramref name="now"/> (P-3.5: status is computed, not waited for).</summary>
    public static ProtectionState Evaluate(Customer customer, PolicyBook book, WorkingDayCalendar calendar, Instant now)
    {
        var period = PeriodEnd(customer, book, calendar);
        if (customer.Status != CustomerStatus.Protected || period is not { } p)
        {
            return new ProtectionState(period?.Rules, period?.End, period?.End, customer.Status, false, null);
        }

        var (rules, periodEnd) = p;
        var end = periodEnd;
        MonthlyProgressResult? progress = null;
        if (customer.Stage == Stages.Prospect && rules.IsMajorProspect(customer.Sales))
        {
            // P-3.4: a major prospect must show progress every calendar month; the second month
            // without any lapses the protection at that month's end (a sanction: no art. 203 roll).
            progress = rules.EvaluateMonthlyProgress(
                Local(customer.PeriodStart!.Value),
                (customer.ProgressDates ?? []).Select(Local),
                PolicyTime.DateOf(now),
                periodEnd.LastDay);
            if (progress is { Lapsed: true, LapsedAt: { } lapsedAt, LastProtectedDay: { } lastDay } && lapsedAt < periodEnd.EndsAt)
            {
                end = new ProtectionEnd(lastDay, lapsedAt, RolledForward: false, periodEnd.Provisional);
            }
        }

        var active = end.IsActiveAt(now);
        return new ProtectionState(rules, periodEnd, end, active ? CustomerStatus.Protected : CustomerStatus.Lapsed, active, progress,
            active ? Period.Between(PolicyTime.DateOf(now), end.LastDay, PeriodUnits.Days).Days : null);
    }

    /// <summary>P-3.3: the extension cap left in the current period.</summary>
    public static int ExtensionCapRemaining(Customer customer, ProtectionRules rules) =>
        Math.Max(0, rules.ExtensionCapDays(StageOf(customer)) - customer.ExtensionDays);

    public static CustomerStage StageOf(Customer customer) => customer.Stage == Stages.Formal ? CustomerStage.Formal : CustomerStage.Prospect;

    /// <summary>P-2.2: the last day of the objection window after an announcement on <paramref name="announcedOn"/>.</summary>
    public static LocalDate ObjectionWindowEnds(PolicyBook book, WorkingDayCalendar calendar, LocalDate announcedOn) =>
        calendar.AddWorkingDays(announcedOn, book.For(announcedOn).ObjectionWindowWorkingDays).Value;
}
