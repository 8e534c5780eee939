using System.Globalization;
using NodaTime;

namespace CustomerProtection.Penalty.Domain;

/// <summary>A fine's proposed amount, the range hq may adjust it within (no maximum: null), and how the amount was set.</summary>
public sealed record FineTerms(decimal Amount, decimal Min, decimal? Max, string Basis);

/// <summary>The amounts of P-8.1 and the repeat-violation suggestion of P-8.3, as plain functions of the parameters in force.</summary>
public static class FineRules
{
    /// <summary>
    /// P-8.1: every violation fines the violator at least <see cref="PolicyParameters.ViolatorFineMin"/>.
    /// The proposal is the schedule's amount for the kind (else for the rule id, else the floor),
    /// never below the floor. hq may adjust it down to the floor and up to the schedule's maximum,
    /// if the company set one (the rule book has none); a serious case is hq's to declare (P-8.3).
    /// </summary>
    public static FineTerms ViolatorFine(PolicyParameters parameters, PenaltySchedule schedule, string kind, string ruleId, bool seriousSuggested)
    {
        var floor = parameters.ViolatorFineMin;
        var (scheduled, basis) = schedule.ViolatorFineByKind.TryGetValue(kind, out var byKind)
            ? (byKind, $"schedule[{kind}]")
            : schedule.ViolatorFineByKind.TryGetValue(ruleId, out var byRule)
                ? (byRule, $"schedule[{ruleId}]")
                : (floor, "P-8.1 floor");
        if (scheduled < floor)
        {
            (scheduled, basis) = (floor, basis + " raised to the P-8.1 floor");
        }

        decimal? max = schedule.ViolatorFineMax is { } cap ? Math.Max(scheduled, cap) : null;
        return new FineTerms(scheduled, floor, max, basis + (seriousSuggested ? "; P-8.3 repeat violation: hq may declare a serious case" : ""));
    }

    /// <summary>
    /// P-8.1: a manager found negligent, involved or inactive is jointly liable for
    /// <see cref="PolicyParameters.ManagerFine"/>; when the lost customer is a major customer (annual
    /// shipments strictly above <see cref="PolicyParameters.MajorCustomerThreshold"/>), for
    /// <see cref="PolicyParameters.ManagerFineMajorMin"/>–<see cref="PolicyParameters.ManagerFineMajorMax"/>,
    /// proposed by a linear scale that reaches the maximum at <see cref="PenaltySchedule.MajorScaleFullAt"/>
    /// (rounded to the yuan), and adjustable by hq within that range.
    /// </summary>
    public static FineTerms ManagerFine(PolicyParameters parameters, PenaltySchedule schedule, decimal customerAnnualShipments)
    {
        var threshold = parameters.MajorCustomerThreshold;
        if (customerAnnualShipments <= threshold)
        {
            var fine = parameters.ManagerFine;
            return new FineTerms(fine, fine, fine, "P-8.1 manager");
        }

        var (min, max) = (parameters.ManagerFineMajorMin, parameters.ManagerFineMajorMax);
        var amount = schedule.MajorScaleFullAt <= threshold || customerAnnualShipments >= schedule.MajorScaleFullAt
            ? max
            : min + ((max - min) * (customerAnnualShipments - threshold) / (schedule.MajorScaleFullAt - threshold));
        amount = Math.Clamp(Math.Round(amount, 0, MidpointRounding.AwayFromZero), min, max);
        return new FineTerms(amount, min, max, string.Create(CultureInfo.InvariantCulture,
            $"P-8.1 major customer: annual shipments {customerAnnualShipments} on the scale {threshold}–{schedule.MajorScaleFullAt}"));
    }

    /// <summary>
    /// P-8.3: the first day of the window of violations that count towards a serious case, for a
    /// violation on <paramref name="violationDay"/>. The window is the
    /// <see cref="PolicyParameters.SeriousViolationWindowMonths"/> months that end on the violation's
    /// day, counted as the Civil Code counts months (art. 201: the start day is not counted, so a
    /// violation on the same day twelve months earlier is still within).
    /// </summary>
    public static LocalDate SeriousWindowStart(PolicyParameters parameters, LocalDate violationDay) =>
        violationDay.PlusMonths(-parameters.SeriousViolationWindowMonths);

    /// <summary>
    /// P-8.3 "serious cases: heavier fines or dismissal" are hq's decision (<see cref="FineLifecycle.DeclareSerious"/>).
    /// The repeat-violation rule only suggests one to hq: a violation that is at least the
    /// <see cref="PolicyParameters.SeriousViolationCount"/>-th of the violator's standing violations
    /// within the window (default: the third within twelve months).
    /// </summary>
    public static bool SuggestsSerious(PolicyParameters parameters, int violationsInWindowIncludingThis) =>
        violationsInWindowIncludingThis >= parameters.SeriousViolationCount;
}
