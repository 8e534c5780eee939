using NodaTime;

namespace CustomerProtection.Policy;

/// <summary>
/// Protection periods as policy (P-3.1–P-3.5, X-3): pure functions of one parameter version and
/// the period arithmetic. Take the parameters in force on the day of the event
/// (<see cref="ForEvent"/>, P-14).
/// </summary>
public sealed class ProtectionRules
{
    public ProtectionRules(PolicyParameters parameters, PeriodArithmetic arithmetic)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(arithmetic);
        Parameters = parameters;
        Arithmetic = arithmetic;
    }

    /// <summary>Rules over <paramref name="calendar"/> with the parameters' own roll-forward flag.</summary>
    public ProtectionRules(PolicyParameters parameters, WorkingDayCalendar calendar)
        : this(parameters, new PeriodArithmetic(calendar, parameters?.RollForward ?? true))
    {
    }

    public PolicyParameters Parameters { get; }

    public PeriodArithmetic Arithmetic { get; }

    /// <summary>The rules with the parameters in force on <paramref name="eventDay"/> (P-14).</summary>
    public static ProtectionRules ForEvent(PolicyBook book, WorkingDayCalendar calendar, LocalDate eventDay)
    {
        ArgumentNullException.ThrowIfNull(book);
        return new ProtectionRules(book.For(eventDay), calendar);
    }

    /// <summary>
    /// P-3.2 and P-3.4: the prospect period for the expected annual sales declared at filing:
    /// above the major-customer threshold (500,000) → 120 days; from 300,000 up to and including
    /// 500,000 → 90 days; below → 30 days.
    /// </summary>
    public int ProspectDays(decimal declaredAnnualSales)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(declaredAnnualSales);
        if (IsMajorProspect(declaredAnnualSales))
        {
            return Parameters.MajorProspectDays;
        }

        return declaredAnnualSales >= Parameters.ProspectMidTierMinSales
            ? Parameters.ProspectMidTierDays
            : Parameters.ProspectProtectionDays;
    }

    /// <summary>P-3.4: a major prospect (大客户) declares annual sales strictly above the threshold;
    /// it gets the longest period and must record progress every calendar month.</summary>
    public bool IsMajorProspect(decimal declaredAnnualSales) => declaredAnnualSales > Parameters.MajorCustomerThreshold;

    /// <summary>
    /// P-3.2/P-3.4: the prospect period from the approval day (P-2.1: approval starts protection),
    /// lengthened by the extension days approved so far (P-3.3). The days are added up first and
    /// art. 203 rolls the final last day once: an extension extends the period, not a rolled date.
    /// </summary>
    public ProtectionEnd ProspectProtection(LocalDate approvedOn, decimal declaredAnnualSales, int extensionDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(extensionDays);
        return Arithmetic.LastProtectedDay(approvedOn, ProspectDays(declaredAnnualSales) + extensionDays);
    }

    /// <summary>
    /// P-3.1: the formal period from the last shipment date (each shipment restarts it), or an HQ
    /// special filing's own period for a customer whose order cycle exceeds six months, lengthened
    /// by the extension days approved so far (P-3.3).
    /// </summary>
    public ProtectionEnd FormalProtection(LocalDate lastShipment, int extensionDays, int? specialPeriodDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(extensionDays);
        if (specialPeriodDays is { } special)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(special, nameof(specialPeriodDays));
        }

        return Arithmetic.LastProtectedDay(lastShipment, (specialPeriodDays ?? Parameters.FormalProtectionDays) + extensionDays);
    }

    /// <summary>P-3.3: the cap on the total extension of one period for <paramref name="stage"/>.</summary>
    public int ExtensionCapDays(CustomerStage stage) => stage switch
    {
        CustomerStage.Prospect => Parameters.ProspectExtensionCapDays,
        CustomerStage.Formal => Parameters.FormalExtensionCapDays,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
    };

    /// <summary>
    /// P-3.3: may the extension be approved? A formal customer's request is due at least 30 days
    /// (inclusive) before expiry, a prospect's at least 7 working days (inclusive); the total extension
    /// of one protection period over all requests is at most 90 (formal) or 30 (prospect) days.
    /// A request after the last day is refused under P-3.5 (the period has lapsed by itself).
    /// The caller recomputes the period with the new total extension when it approves.
    /// </summary>
    /// <param name="stage">Prospect or formal customer.</param>
    /// <param name="lastDay">The current last protected day (with extensions so far).</param>
    /// <param name="requestDate">The date of the written request.</param>
    /// <param name="requestedDays">Extra days asked for (positive).</param>
    /// <param name="alreadyExtendedDays">Extension already approved in this period.</param>
    public ExtensionDecision EvaluateExtension(CustomerStage stage, LocalDate lastDay, LocalDate requestDate, int requestedDays, int alreadyExtendedDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestedDays);
        ArgumentOutOfRangeException.ThrowIfNegative(alreadyExtendedDays);

        var inWorkingDays = stage == CustomerStage.Prospect;
        var lead = stage switch
        {
            CustomerStage.Prospect => Arithmetic.AtLeastWorkingDaysBefore(lastDay, requestDate, Parameters.ProspectExtensionLeadWorkingDays),
            CustomerStage.Formal => Arithmetic.AtLeastDaysBefore(lastDay, requestDate, Parameters.FormalExtensionLeadDays),
            _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
        };
        var cap = ExtensionCapDays(stage);
        var remaining = Math.Max(0, cap - alreadyExtendedDays);

        var (reason, ruleId) =
            requestDate > lastDay ? (ExtensionRefusal.PeriodLapsed, "P-3.5")
            : !lead.Allowed ? (ExtensionRefusal.TooLate, "P-3.3")
            : requestedDays > remaining ? (ExtensionRefusal.CapExceeded, "P-3.3")
            : (ExtensionRefusal.None, "P-3.3");

        return new ExtensionDecision(
            Allowed: reason == ExtensionRefusal.None,
            RuleId: ruleId,
            Reason: reason,
            Stage: stage,
            LastDay: lastDay,
            RequestDate: requestDate,
            LatestRequestDate: lead.LatestRequestDate,
            LeadTimeHave: lead.Have,
            LeadTimeNeed: lead.Need,
            LeadTimeMissing: lead.Missing,
            LeadTimeInWorkingDays: inWorkingDays,
            RequestedDays: requestedDays,
            CapDays: cap,
            AlreadyExtendedDays: alreadyExtendedDays,
            CapRemainingDays: remaining,
            Provisional: lead.Provisional);
    }

    /// <summary>
    /// P-3.4, for a major prospect (<see cref="IsMajorProspect"/>): progress must be recorded every
    /// calendar month. Interpretation: the approval month is covered by the visit that led to the
    /// filing (P-2.1); each later calendar month is judged once it is over (on the 1st of the next
    /// month, the manager's monthly check) and only if it ends within the protection period. The
    /// first month with no progress flags the prospect; the second such month (not necessarily
    /// consecutive) lapses the protection at the end of that month. Progress dated before the
    /// approval or after <paramref name="today"/> is ignored.
    /// </summary>
    /// <param name="approvedOn">The filing's approval day.</param>
    /// <param name="progressDates">The dates of recorded development progress (M-2).</param>
    /// <param name="today">Today in Asia/Shanghai.</param>
    /// <param name="protectionLastDay">The period's last protected day, if months after it should be ignored.</param>
    public MonthlyProgressResult EvaluateMonthlyProgress(LocalDate approvedOn, IEnumerable<LocalDate> progressDates, LocalDate today, LocalDate? protectionLastDay = null)
    {
        ArgumentNullException.ThrowIfNull(progressDates);
        var monthsWithProgress = progressDates
            .Where(d => d >= approvedOn && d <= today)
            .Select(d => d.ToYearMonth())
            .ToHashSet();

        var checkedMonths = new List<YearMonth>();
        var missed = new List<YearMonth>();
        LocalDate? flaggedOn = null;
        LocalDate? lastProtectedDay = null;
        for (var month = approvedOn.ToYearMonth().PlusMonths(1); ; month = month.PlusMonths(1))
        {
            var lastOfMonth = month.ToDateInterval().End;
            if (lastOfMonth >= today || (protectionLastDay is { } end && lastOfMonth > end))
            {
                break;
            }

            checkedMonths.Add(month);
            if (monthsWithProgress.Contains(month))
            {
                continue;
            }

            missed.Add(month);
            if (missed.Count == Parameters.MajorProgressMissedMonthsToFlag)
            {
                flaggedOn = lastOfMonth.PlusDays(1);
            }

            if (missed.Count == Parameters.MajorProgressMissedMonthsToLapse)
            {
                lastProtectedDay = lastOfMonth;
                break;
            }
        }

        var lapsedOn = lastProtectedDay?.PlusDays(1);
        return new MonthlyProgressResult(
            checkedMonths,
            missed,
            Flagged: flaggedOn is not null,
            FlaggedOn: flaggedOn,
            Lapsed: lastProtectedDay is not null,
            LastProtectedDay: lastProtectedDay,
            LapsedOn: lapsedOn,
            LapsedAt: lapsedOn is { } day ? PolicyTime.StartOfDay(day) : null);
    }

    /// <summary>
    /// the owner is reminded 30, 7 and 1 days before expiry and the manager 7 days before.
    /// "N days before" means the last protected day − N calendar days, the same reading as the
    /// lead times of P-3.3: with last day 2026-04-09, the 7-day reminders are due on 2026-04-02 and
    /// the 1-day one on 2026-04-08. Each is due from 00:00 Asia/Shanghai that day. Ordered by date,
    /// then owner before manager; the caller skips those already past. The lapse itself is
    /// announced at <see cref="ProtectionEnd.EndsAt"/>.
    /// </summary>
    public IReadOnlyList<Reminder> ReminderDates(ProtectionEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        return Parameters.OwnerReminderDaysBefore.Distinct().Select(n => (ReminderRecipient.Owner, n))
            .Concat(Parameters.ManagerReminderDaysBefore.Distinct().Select(n => (ReminderRecipient.Manager, n)))
            .Select(r =>
            {
                var on = end.LastDay.PlusDays(-r.n);
                return new Reminder(r.Item1, r.n, on, PolicyTime.StartOfDay(on), end.Provisional);
            })
            .OrderBy(r => r.On)
            .ThenBy(r => r.Recipient)
            .ToList();
    }
}
