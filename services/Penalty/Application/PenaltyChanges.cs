using CustomerProtection.Contracts.Penalty;
using CustomerProtection.Penalty.Domain;
using CustomerProtection.Penalty.Persistence;

namespace CustomerProtection.Penalty.Application;

/// <summary>
/// The atomic step of each change (architecture.md): the aggregates guarded by the versions they
/// were read at (a new fine by "must not exist": its id is fixed by violation and liability, which is
/// what makes a violation fined exactly once), their indexes, and their events in the outbox.
/// </summary>
public static class PenaltyChanges
{
    /// <summary>A violation seen for the first time, its fines, and the violator's record (P-8.3 count).</summary>
    public static AtomicChange Open(ViolationOutcome outcome, Versioned<Offender>? offender, DateTimeOffset now)
    {
        var violation = outcome.Next;
        var violatorId = violation.Violator.EmployeeId;
        var score = PenaltyKeys.Score(violation.OccurredAt);
        var record = new Offender(violatorId, (offender?.Value.Violations ?? 0) + 1,
            offender is null || offender.Value.LastViolationAt < violation.OccurredAt ? violation.OccurredAt : offender.Value.LastViolationAt);
        var change = new AtomicChange()
            .Expect(PenaltyKeys.Violation(violation.Id), 0)
            .Put(PenaltyKeys.Violation(violation.Id), 1, PenaltyStore.Encode(violation))
            .Expect(PenaltyKeys.Offender(violatorId), offender?.Version ?? 0)
            .Put(PenaltyKeys.Offender(violatorId), (offender?.Version ?? 0) + 1, PenaltyStore.Encode(record))
            .IndexAdd(PenaltyKeys.OffenderViolations(violatorId), violation.Id, score);
        if (violation.Violator.BranchId is { } branch)
        {
            change.IndexAdd(PenaltyKeys.ViolationsByBranch(branch), violation.Id, score);
        }

        return AddFines(change, outcome.NewFines, now);
    }

    /// <summary>A known violation with a new detection or finding, and the manager's fine if it now arises.</summary>
    public static AtomicChange Merge(Versioned<Violation> current, ViolationOutcome outcome, DateTimeOffset now)
    {
        var change = new AtomicChange()
            .Expect(PenaltyKeys.Violation(current.Value.Id), current.Version)
            .Put(PenaltyKeys.Violation(current.Value.Id), current.Version + 1, PenaltyStore.Encode(outcome.Next));
        return AddFines(change, outcome.NewFines, now);
    }

    /// <summary>
    /// A step of a fine's life. A fine hq lets stand publishes FineConfirmed (<paramref name="violation"/>
    /// is then its violation); a settled fine publishes PenaltySettled; an overturned violator fine no
    /// longer counts towards a serious-case suggestion (P-8.3).
    /// </summary>
    public static AtomicChange FineStep(Versioned<Fine> current, Fine next, Violation? violation, DateTimeOffset now)
    {
        var change = new AtomicChange()
            .Expect(PenaltyKeys.Fine(next.Id), current.Version)
            .Put(PenaltyKeys.Fine(next.Id), current.Version + 1, PenaltyStore.Encode(next));
        if (Confirmation(next, violation, now) is { } confirmed)
        {
            change.Publish(confirmed);
        }

        if (next.Status == FineStatuses.Overturned && next.Liability == Liabilities.Violator)
        {
            change.IndexRemove(PenaltyKeys.OffenderViolations(next.EmployeeId), next.ViolationId);
        }

        if (FineStatuses.IsSettled(next.Status))
        {
            change.Publish(new PenaltySettled(next.Id, next.ViolationId, next.EmployeeId, next.Status,
                next.Status == FineStatuses.Paid ? next.Amount : 0m, now));
        }

        return change;
    }

    /// <summary>P-8.3: hq's declaration on the violation and, with a heavier fine, the violator's fine, in one step.</summary>
    public static AtomicChange SeriousCase(Versioned<Violation> current, Violation next, Versioned<Fine>? fine, Fine? heavier, SeriousCaseDeclared declared)
    {
        var change = new AtomicChange()
            .Expect(PenaltyKeys.Violation(next.Id), current.Version)
            .Put(PenaltyKeys.Violation(next.Id), current.Version + 1, PenaltyStore.Encode(next))
            .Publish(declared);
        if (fine is not null && heavier is not null)
        {
            change.Expect(PenaltyKeys.Fine(heavier.Id), fine.Version)
                .Put(PenaltyKeys.Fine(heavier.Id), fine.Version + 1, PenaltyStore.Encode(heavier));
            if (Confirmation(heavier, next, declared.OccurredAt) is { } confirmed)
            {
                change.Publish(confirmed);
            }
        }

        return change;
    }

    /// <summary>Whether a step lets the fine stand by hq's decision (P-8.1, P-8.2): its FineConfirmed, else null.</summary>
    public static bool IsHqConfirmation(string status) => status is FineStatuses.Confirmed or FineStatuses.Adjusted or FineStatuses.Upheld;

    private static FineConfirmed? Confirmation(Fine fine, Violation? violation, DateTimeOffset now) =>
        violation is not null && IsHqConfirmation(fine.Status)
            ? new FineConfirmed(fine.Id, fine.ViolationId, fine.RuleId, fine.Liability, fine.EmployeeId, violation.Violator.Role, fine.Status, fine.Amount,
                fine.History[^1].By, now)
            : null;

    private static AtomicChange AddFines(AtomicChange change, IReadOnlyList<Fine> fines, DateTimeOffset now)
    {
        foreach (var fine in fines)
        {
            var score = PenaltyKeys.Score(fine.ViolationAt);
            change.Expect(PenaltyKeys.Fine(fine.Id), 0)
                .Put(PenaltyKeys.Fine(fine.Id), 1, PenaltyStore.Encode(fine))
                .IndexAdd(PenaltyKeys.AllFines, fine.Id, score)
                .IndexAdd(PenaltyKeys.FinesByEmployee(fine.EmployeeId), fine.Id, score)
                .Publish(new PenaltyImposed(fine.Id, fine.ViolationId, fine.RuleId, fine.EmployeeId, fine.Liability,
                    fine.Amount, fine.MinAmount, fine.MaxAmount, fine.Serious, now));
            if (fine.BranchId is { } branch)
            {
                change.IndexAdd(PenaltyKeys.FinesByBranch(branch), fine.Id, score);
            }

            if (fine.RegionId is { } region)
            {
                change.IndexAdd(PenaltyKeys.FinesByRegion(region), fine.Id, score);
            }
        }

        return change;
    }
}
