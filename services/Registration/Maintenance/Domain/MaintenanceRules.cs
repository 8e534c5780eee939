using CustomerProtection.Registration.Domain;
using NodaTime;

namespace CustomerProtection.Registration.Maintenance.Domain;

/// <summary>
/// A maintenance deadline: from <paramref name="Since"/> (a contact, a survey, a verification) for the
/// class's interval, counted as every "N days" of the rule book (art. 201: the start day is not counted;
/// art. 203: a last day on a rest day rolls to the next working day).
/// </summary>
public sealed record MaintenanceDeadline(LocalDate Since, int IntervalDays, ProtectionEnd End)
{
    /// <summary>Whole days past the last day on <paramref name="today"/> (the first overdue day is 1); 0 when not overdue.</summary>
    public int DaysOverdue(LocalDate today) => today > End.LastDay ? Period.DaysBetween(End.LastDay, today) : 0;

    public bool IsOverdue(LocalDate today) => today > End.LastDay;
}

/// <summary>Customer maintenance (客户维护): M-1 follow-up priority, M-4 survey schedule, re-verification, per class.</summary>
public static class MaintenanceRules
{
    /// <summary>M-1: the follow-up interval of a class (important the shortest).</summary>
    public static int FollowUpDays(PolicyParameters parameters, string customerClass) => customerClass switch
    {
        CustomerClasses.Important => parameters.FollowUpImportantDays,
        CustomerClasses.Potential => parameters.FollowUpPotentialDays,
        _ => parameters.FollowUpOrdinaryDays,
    };

    /// <summary>M-4: how long after an answered survey a customer of the class is surveyed again.</summary>
    public static int SurveyDays(PolicyParameters parameters, string customerClass) => customerClass switch
    {
        CustomerClasses.Important => parameters.SurveyImportantDays,
        CustomerClasses.Potential => parameters.SurveyPotentialDays,
        _ => parameters.SurveyOrdinaryDays,
    };

    /// <summary>Seed 客户维护 "定期对客户信息进行更新和核实": how long a verification of the contacts holds, per class.</summary>
    public static int VerificationDays(PolicyParameters parameters, string customerClass) => customerClass switch
    {
        CustomerClasses.Important => parameters.VerificationImportantDays,
        CustomerClasses.Potential => parameters.VerificationPotentialDays,
        _ => parameters.VerificationOrdinaryDays,
    };

    /// <summary>
    /// M-1: the day a customer's follow-up interval counts from — its last counted record, or, when it has
    /// none since, the start of the current owner's period (approval, claim, award or last shipment): a
    /// customer just taken over is not overdue for its previous owner's silence.
    /// </summary>
    public static LocalDate FollowUpSince(Customer customer, IEnumerable<ProgressEntry> records)
    {
        var start = Protection.Local(customer.PeriodStart ?? customer.ApprovedOn ?? Dates.DateOf(customer.FiledAt));
        var last = records.Where(r => r.IsEvidence).Select(r => Protection.Local(r.On)).DefaultIfEmpty(start).Max();
        return last > start ? last : start;
    }

    /// <summary>Re-verification counts from the last verification, or from the filing when never verified.</summary>
    public static LocalDate VerificationSince(Customer customer, LocalDate? lastVerified)
    {
        var filed = Protection.Local(Dates.DateOf(customer.FiledAt));
        return lastVerified is { } verified && verified > filed ? verified : filed;
    }

    /// <summary>The deadline of an interval from <paramref name="since"/> with the parameters and calendar in force on that day.</summary>
    public static MaintenanceDeadline Deadline(PolicyClock clock, LocalDate since, Func<PolicyParameters, int> interval)
    {
        var day = Dates.ToDateOnly(since);
        var days = interval(clock.On(day));
        return new MaintenanceDeadline(since, days, clock.Arithmetic(day).LastProtectedDay(since, days));
    }

    /// <summary>
    /// X-3 applied to M-1: an overdue follow-up is reminded once per overdue period — on the first overdue
    /// day, then every further interval while still overdue. The period's number (0 first) on <paramref name="today"/>.
    /// </summary>
    public static int OverduePeriod(MaintenanceDeadline deadline, LocalDate today) => (deadline.DaysOverdue(today) - 1) / deadline.IntervalDays;

    /// <summary>The first day of overdue period <paramref name="period"/>: when its reminder is due.</summary>
    public static LocalDate OverduePeriodStart(MaintenanceDeadline deadline, int period) =>
        deadline.End.LastDay.PlusDays(1 + (period * deadline.IntervalDays));
}
