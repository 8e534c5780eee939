namespace CustomerProtection.Penalty.Domain;

/// <summary>One party of a violation, as the organisation stood when it was found (copied from the event).</summary>
public sealed record Party(string EmployeeId, string Role, string? BranchId, string? RegionId, string? ManagerId);

/// <summary>How a violation was found (ViolationDetected): by which service, on what evidence, when.</summary>
public sealed record Detection(string Source, string Evidence, DateTimeOffset DetectedAt);

/// <summary>
/// A confirmation of the violation (ViolationConfirmed, or hq's finding recorded over gRPC): whether
/// the violator's manager was negligent, involved or inactive (P-8.1), and the lost customer's
/// annual shipments where the finding states them.
/// </summary>
public sealed record Finding(string ManagerFinding, string? CaseId, string Reason, string By, DateTimeOffset At, decimal? CustomerAnnualShipments);

/// <summary>
/// A violation as the Penalty service knows it: everything its fines need, copied from the events
/// (the service never reads another service's stores). Created by whichever of its events arrives
/// first; the later ones add their detection or findings.
/// </summary>
/// <param name="OccurredAt">The fact time of the first event (detection, else confirmation): its
/// Asia/Shanghai date selects the parameters in force (P-14) and places the fines in a period.</param>
/// <param name="SeriousSuggested">P-8.3: the repeat-violation rule suggests a serious case to hq
/// (<see cref="FineRules.SuggestsSerious"/>); only hq's declaration makes it one.</param>
/// <param name="ViolationsInWindow">P-8.3: the violator's standing violations within the window
/// ending on this violation's date, this one included, when it was recorded.</param>
/// <param name="FineIds">The fines created for it, at most one per liability.</param>
public sealed record Violation(
    string Id,
    string RuleId,
    string Kind,
    Party Violator,
    string? InjuredEmployeeId,
    string? CustomerId,
    string? CustomerIdentityKey,
    decimal CustomerAnnualShipments,
    DateTimeOffset OccurredAt,
    DateOnly ViolationDate,
    Detection? Detection,
    IReadOnlyList<Finding> Findings,
    bool SeriousSuggested,
    int ViolationsInWindow,
    IReadOnlyList<string> FineIds,
    DateTimeOffset RecordedAt)
{
    /// <summary>P-8.3: hq's declaration that this is a serious case (null: it is not).</summary>
    public SeriousCase? Serious { get; init; }
}

/// <summary>
/// P-8.3: hq declared a violation a serious case: a heavier fine hq set (no cap), and/or the
/// violator's dismissal, which starts the leaver flow (P-12, C-9).
/// </summary>
public sealed record SeriousCase(string By, DateTimeOffset At, string Reason, decimal? Fine, bool Dismissal);

/// <summary>
/// The violator's running record (the aggregate that serialises the P-8.3 count): every new
/// violation of theirs bumps its version, so two violations recorded at the same moment cannot both
/// miss each other in the count.
/// </summary>
public sealed record Offender(string EmployeeId, int Violations, DateTimeOffset LastViolationAt);
