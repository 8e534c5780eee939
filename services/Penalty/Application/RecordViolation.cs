using System.Diagnostics.Metrics;
using CustomerProtection.Penalty.Domain;
using CustomerProtection.Penalty.Persistence;
using CustomerProtection.ServiceDefaults;
using NodaTime;

namespace CustomerProtection.Penalty.Application;

/// <summary>
/// The one use case every violation report goes through (ViolationDetected, ViolationConfirmed,
/// hq's RecordManagerFinding): record what is new about the violation and create the fines that
/// arise from it, in one atomic step with their PenaltyImposed events. Exactly once: the fines'
/// ids are fixed by violation and liability and each is created only where none exists, so a
/// redelivered, repeated or reordered report creates nothing twice and publishes nothing new.
/// </summary>
public sealed class RecordViolation(PenaltyStore store, FineParameterSource parameters, PolicyClock clock, ILogger<RecordViolation> logger)
{
    private static readonly Counter<long> FinesProposed = Telemetry.Meter.CreateCounter<long>("cp.penalty.fines.proposed", description: "Fines proposed (P-8.1), by liability");
    private static readonly Histogram<double> ReportToFine = Telemetry.Meter.CreateHistogram<double>("cp.penalty.report_to_fine", "s", "From the report's fact time to its fines being recorded");

    public async Task<Versioned<Violation>> ApplyAsync(ViolationReport report)
    {
        ViolationReports.Validate(report);
        var (violation, fines) = await OptimisticConcurrency.RetryAsync(async () =>
        {
            var now = clock.UtcNow;
            if (report.Violator is null)
            {
                var known = await store.GetViolationAsync(report.ViolationId) ?? throw new EntityNotFoundException("violation", report.ViolationId);
                return await MergeAsync(known, report, now);
            }

            var day = ViolationRules.DayOf(report.OccurredAt);
            var onDay = parameters.For(day);
            var (windowStart, windowEnd) = SeriousWindow(onDay.Policy, day);
            var state = await store.GetOpeningStateAsync(report.ViolationId, report.Violator.EmployeeId, windowStart, windowEnd);
            if (state.Violation is { } current)
            {
                return await MergeAsync(current, report, now);
            }

            var outcome = ViolationRules.Open(report, onDay, state.StandingInWindow, now);
            var result = await store.CommitAsync(PenaltyChanges.Open(outcome, state.Offender, now));
            return (result, (new Versioned<Violation>(outcome.Next, 1), outcome.NewFines));
        }, PenaltyConcurrency.Attempts);

        foreach (var fine in fines)
        {
            FinesProposed.Add(1, new KeyValuePair<string, object?>("liability", fine.Liability));
            ReportToFine.Record((clock.UtcNow - report.OccurredAt).TotalSeconds);
            logger.LogDebug("Fine {FineId} proposed: {Liability} {EmployeeId} {Amount} CNY for {RuleId} ({Kind}), serious {Serious}",
                fine.Id, fine.Liability, fine.EmployeeId, fine.Amount, fine.RuleId, fine.Kind, fine.Serious);
        }

        if (report.Finding is { } finding && ManagerFindingsMakeLiable(finding) && violation.Value.Violator.ManagerId is null)
        {
            logger.LogWarning("Violation {ViolationId}: the manager is found {Finding} but the violator has no manager on record; no manager fine",
                violation.Value.Id, finding.ManagerFinding);
        }

        return violation;
    }

    private async Task<(ChangeResult, (Versioned<Violation>, IReadOnlyList<Fine>))> MergeAsync(Versioned<Violation> current, ViolationReport report, DateTimeOffset now)
    {
        var outcome = ViolationRules.Merge(current.Value, report, parameters.For(current.Value.ViolationDate), now);
        if (!outcome.Changed)
        {
            return (ChangeResult.Applied, (current, []));
        }

        var result = await store.CommitAsync(PenaltyChanges.Merge(current, outcome, now));
        return (result, (new Versioned<Violation>(outcome.Next, current.Version + 1), outcome.NewFines));
    }

    /// <summary>P-8.3: from the start of the window's first day to the end of the violation's day (Asia/Shanghai).</summary>
    private static (DateTimeOffset Start, DateTimeOffset End) SeriousWindow(PolicyParameters policy, DateOnly day)
    {
        var date = new LocalDate(day.Year, day.Month, day.Day);
        var start = PolicyTime.StartOfDay(FineRules.SeriousWindowStart(policy, date)).ToDateTimeOffset();
        var end = PolicyTime.StartOfDay(date.PlusDays(1)).ToDateTimeOffset().AddMilliseconds(-1);
        return (start, end);
    }

    private static bool ManagerFindingsMakeLiable(Finding finding) =>
        Contracts.Violations.ManagerFindings.MakesManagerLiable(finding.ManagerFinding);
}
