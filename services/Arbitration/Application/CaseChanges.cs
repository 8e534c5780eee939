using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;
using CustomerProtection.Contracts.Arbitration;

namespace CustomerProtection.Arbitration.Application;

/// <summary>
/// The atomic step of each change of a case (architecture.md): the case guarded by the version it was
/// read at, the customer's dispute marker, the indexes, the due-queue entry at the case's next
/// deadline, and the events — all in one Lua script or not at all.
/// </summary>
public static class CaseChanges
{
    /// <summary>
    /// A new case. A case about who holds the customer also takes the customer's dispute marker,
    /// guarded by the version read (so of two concurrent openings one wins) and publishes CaseOpened.
    /// </summary>
    public static AtomicChange Open(Case @case, Versioned<CustomerMarker>? marker)
    {
        var key = ArbitrationKeys.Case(@case.Id);
        var score = ArbitrationKeys.Score(@case.OpenedAt);
        var change = new AtomicChange()
            .Expect(key, 0)
            .Put(key, 1, ArbitrationStore.Encode(@case))
            .IndexAdd(ArbitrationKeys.BranchCases(@case.BranchId), @case.Id, score)
            .IndexAdd(ArbitrationKeys.PersonCases(@case.ClaimantId), @case.Id, score);
        if (@case.RespondentId is { } respondent)
        {
            change.IndexAdd(ArbitrationKeys.PersonCases(respondent), @case.Id, score);
        }

        if (@case.OpenedBy != @case.ClaimantId)
        {
            // P-4.5: a branch manager who complained on the owner's behalf finds the case among theirs.
            change.IndexAdd(ArbitrationKeys.PersonCases(@case.OpenedBy), @case.Id, score);
        }

        if (CaseKinds.DecidedByHq(@case.Kind))
        {
            change.IndexAdd(ArbitrationKeys.HqCases, @case.Id, score);
        }

        if (CaseKinds.DisputesCustomer(@case.Kind))
        {
            var markerKey = ArbitrationKeys.Customer(@case.CustomerId);
            var version = marker?.Version ?? 0;
            change.Expect(markerKey, version)
                .Put(markerKey, version + 1, ArbitrationStore.Encode(new CustomerMarker(@case.CustomerId, @case.Id)))
                .Publish(new CaseOpened(@case.Id, @case.Kind, @case.CustomerId, @case.ClaimantId, @case.RespondentId, @case.OpenedAt, @case.BranchId));
        }

        return change;
    }

    /// <summary>
    /// A step of a case: its new state, the due-queue entry moved to the next deadline (or removed),
    /// the ledger's per-person index, OwnershipAwarded per award, DepositSettled per settled amount,
    /// any further events of the step (violations, credit), and, when the case closes, CaseClosed with
    /// the customer's dispute marker lifted — or, when a closed case is reopened (Registration refused
    /// its award), the marker taken again guarded by the version read and CaseOpened published again:
    /// Registration lifted its dispute marker on the CaseClosed and sets it again on this one.
    /// </summary>
    public static AtomicChange Apply(Versioned<Case> current, Transition transition, Versioned<CustomerMarker>? marker, IEnumerable<object>? events = null)
    {
        var next = transition.Next;
        var key = ArbitrationKeys.Case(next.Id);
        var due = ArbitrationKeys.DueCase(next.Id);
        var change = new AtomicChange()
            .Expect(key, current.Version)
            .Put(key, current.Version + 1, ArbitrationStore.Encode(next));

        if (next.NextDeadline is { } deadline)
        {
            change.IndexAdd(ArbitrationKeys.Due, due, ArbitrationKeys.Score(deadline));
        }
        else
        {
            change.IndexRemove(ArbitrationKeys.Due, due);
        }

        foreach (var entry in next.Ledger.Where(e => current.Value.Ledger.All(old => old.Id != e.Id)))
        {
            change.IndexAdd(ArbitrationKeys.PersonLedger(entry.PersonId), next.Id, ArbitrationKeys.Score(entry.PostedAt))
                .IndexAdd(ArbitrationKeys.PersonCases(entry.PersonId), next.Id, ArbitrationKeys.Score(entry.PostedAt));
        }

        foreach (var award in transition.Awards)
        {
            change.Publish(new OwnershipAwarded(next.Id, next.CustomerId, award.OwnerId, award.PreviousOwnerId, award.CoDeveloperIds,
                award.Resolution, award.Reason, award.DecidedBy, award.DecidedAt));
        }

        foreach (var entry in transition.Settled)
        {
            change.Publish(new DepositSettled(next.Id, entry.Id, entry.PersonId, entry.Kind, entry.Amount, entry.Status, entry.Settlement ?? "", entry.SettledAt!.Value));
        }

        foreach (var e in events ?? [])
        {
            change.Publish(e);
        }

        if (transition.ReopenedAt is { } reopenedAt && CaseKinds.DisputesCustomer(next.Kind))
        {
            var markerKey = ArbitrationKeys.Customer(next.CustomerId);
            var version = marker?.Version ?? 0;
            change.Expect(markerKey, version)
                .Put(markerKey, version + 1, ArbitrationStore.Encode(new CustomerMarker(next.CustomerId, next.Id)))
                .Publish(new CaseOpened(next.Id, next.Kind, next.CustomerId, next.ClaimantId, next.RespondentId, reopenedAt, next.BranchId));
        }

        if (transition.Closed && CaseKinds.DisputesCustomer(next.Kind))
        {
            change.Publish(new CaseClosed(next.Id, next.CustomerId, next.Outcome!, next.ClosedAt!.Value, next.BranchId));
            if (marker is { Value.OpenCaseId: var open } && open == next.Id)
            {
                var markerKey = ArbitrationKeys.Customer(next.CustomerId);
                change.Expect(markerKey, marker.Version)
                    .Put(markerKey, marker.Version + 1, ArbitrationStore.Encode(new CustomerMarker(next.CustomerId, null)));
            }
        }

        return change;
    }
}
