using CustomerProtection.Contracts.Violations;

namespace CustomerProtection.Penalty.Domain;

/// <summary>
/// What one event (or hq's call) says about a violation, whichever it was: a detection
/// (ViolationDetected) or a finding (ViolationConfirmed, RecordManagerFinding). Rule, kind and
/// violator are present in events and absent in hq's finding, which adds to a known violation.
/// </summary>
/// <param name="OccurredAt">The fact time: detection or confirmation time, or the time of hq's call.</param>
/// <param name="ReportedBy">Who the proposed fines are recorded as coming from (the source service, or hq's employee id).</param>
public sealed record ViolationReport(
    string ViolationId,
    string? RuleId,
    string? Kind,
    Party? Violator,
    string? InjuredEmployeeId,
    string? CustomerId,
    string? CustomerIdentityKey,
    decimal? CustomerAnnualShipments,
    Detection? Detection,
    Finding? Finding,
    DateTimeOffset OccurredAt,
    string ReportedBy,
    string ReporterRole);

/// <summary>The parameters in force on a violation's day (P-14): the rule book's and the Penalty schedule's.</summary>
public sealed record FineParameters(PolicyParameters Policy, PenaltySchedule Schedule);

/// <summary>The violation after a report, the fines the report creates, and whether anything changed at all.</summary>
public sealed record ViolationOutcome(Violation Next, IReadOnlyList<Fine> NewFines, bool Changed);

/// <summary>
/// How reports become one set of fines (P-8.1), whatever their number and order: the first report
/// of a violation records it and fines the violator; any report adds its detection or finding once;
/// the manager's fine is created the first time the violation carries a finding of joint liability.
/// Fine ids are fixed by violation and liability, so no order of reports can create a second one.
/// </summary>
public static class ViolationRules
{
    /// <summary>The first report of a violation: record it, fine the violator, and the manager if already found liable.</summary>
    /// <param name="priorViolationsInWindow">P-8.3: the violator's standing violations in the window, not counting this one.</param>
    public static ViolationOutcome Open(ViolationReport report, FineParameters parameters, int priorViolationsInWindow, DateTimeOffset now)
    {
        if (report is not { Violator: { } violator, RuleId: { } ruleId, Kind: { } kind })
        {
            throw new ArgumentException("The first report of a violation must carry its rule, kind and violator.", nameof(report));
        }

        var inWindow = priorViolationsInWindow + 1;
        var seriousSuggested = FineRules.SuggestsSerious(parameters.Policy, inWindow);
        var violation = new Violation(
            report.ViolationId,
            ruleId,
            kind,
            violator,
            report.InjuredEmployeeId,
            report.CustomerId,
            report.CustomerIdentityKey,
            report.CustomerAnnualShipments ?? 0m,
            report.OccurredAt,
            DayOf(report.OccurredAt),
            report.Detection,
            report.Finding is { } finding ? [finding] : [],
            seriousSuggested,
            inWindow,
            [],
            now);

        var terms = FineRules.ViolatorFine(parameters.Policy, parameters.Schedule, kind, ruleId, seriousSuggested);
        var fines = new List<Fine> { Propose(violation, Liabilities.Violator, violator.EmployeeId, terms, report, now) };
        if (ManagerFine(violation, parameters, report, now) is { } managerFine)
        {
            fines.Add(managerFine);
        }

        return new ViolationOutcome(violation with { FineIds = [.. fines.Select(f => f.Id)] }, fines, true);
    }

    /// <summary>A later report of a known violation: adds what is new; a repeated report changes nothing.</summary>
    public static ViolationOutcome Merge(Violation current, ViolationReport report, FineParameters parameters, DateTimeOffset now)
    {
        var next = current;
        var changed = false;
        if (report.Detection is { } detection && current.Detection is null)
        {
            next = next with
            {
                Detection = detection,
                InjuredEmployeeId = next.InjuredEmployeeId ?? report.InjuredEmployeeId,
                CustomerId = next.CustomerId ?? report.CustomerId,
                CustomerIdentityKey = next.CustomerIdentityKey ?? report.CustomerIdentityKey,
                CustomerAnnualShipments = next.CustomerAnnualShipments == 0 ? report.CustomerAnnualShipments ?? 0 : next.CustomerAnnualShipments,
            };
            changed = true;
        }

        if (report.Finding is { } finding && !current.Findings.Contains(finding))
        {
            next = next with { Findings = [.. next.Findings, finding] };
            changed = true;
        }

        if (!changed)
        {
            return new ViolationOutcome(current, [], false);
        }

        var fines = new List<Fine>();
        if (ManagerFine(next, parameters, report, now) is { } managerFine)
        {
            fines.Add(managerFine);
            next = next with { FineIds = [.. next.FineIds, managerFine.Id] };
        }

        return new ViolationOutcome(next, fines, true);
    }

    /// <summary>
    /// P-8.1 joint liability: once a finding says negligent, involved or inactive and the violator has
    /// a manager, the manager is fined, once. The lost customer's annual shipments are the latest
    /// figure a finding stated, else the violation's.
    /// </summary>
    private static Fine? ManagerFine(Violation violation, FineParameters parameters, ViolationReport report, DateTimeOffset now)
    {
        var managerId = violation.Violator.ManagerId;
        var fineId = Liabilities.FineId(violation.Id, Liabilities.Manager);
        if (managerId is null
            || managerId == violation.Violator.EmployeeId
            || violation.FineIds.Contains(fineId)
            || !violation.Findings.Any(f => ManagerFindings.MakesManagerLiable(f.ManagerFinding)))
        {
            return null;
        }

        var shipments = violation.Findings.Where(f => f.CustomerAnnualShipments is not null).MaxBy(f => f.At)?.CustomerAnnualShipments
            ?? violation.CustomerAnnualShipments;
        var terms = FineRules.ManagerFine(parameters.Policy, parameters.Schedule, shipments);
        return Propose(violation, Liabilities.Manager, managerId, terms, report, now);
    }

    private static Fine Propose(Violation violation, string liability, string employeeId, FineTerms terms, ViolationReport report, DateTimeOffset now) => new(
        Liabilities.FineId(violation.Id, liability),
        violation.Id,
        violation.RuleId,
        violation.Kind,
        liability,
        employeeId,
        violation.Violator.BranchId,
        violation.Violator.RegionId,
        terms.Amount,
        terms.Min,
        terms.Max,
        violation.Serious is not null,
        FineStatuses.Proposed,
        violation.ViolationDate,
        violation.OccurredAt,
        terms.Basis,
        [new FineStep(FineStatuses.Proposed, report.ReportedBy, report.ReporterRole, now, $"{violation.RuleId} {violation.Kind}: {terms.Basis}", terms.Amount)]);

    /// <summary>A violation's day is its date in Asia/Shanghai (policy.md: the time zone of every date).</summary>
    public static DateOnly DayOf(DateTimeOffset at)
    {
        var date = PolicyTime.DateOf(NodaTime.Instant.FromDateTimeOffset(at));
        return new DateOnly(date.Year, date.Month, date.Day);
    }
}
