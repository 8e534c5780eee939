namespace CustomerProtection.Contracts.Violations;

// A violation travels from whoever finds it (Territory's ledger: P-4.1, P-4.2, P-3.7, P-5;
// Registration: P-6 dealer filings; Arbitration: decided cases, retaliation P-4.5) to the Penalty
// service, which never reads another service's stores: everything a fine needs is in the event.

/// <summary>One party of a violation, as the organisation stood when it was found.</summary>
public sealed record ViolationParty(string EmployeeId, string Role, string? BranchId, string? RegionId, string? ManagerId);

/// <summary>
/// A rule was broken (P-5, P-6, P-4.1, P-4.2, P-3.7, P-4.5 ...). <see cref="ViolationId"/> is stable:
/// the same finding delivered again carries the same id, and the Penalty service fines it once.
/// <see cref="InjuredManagerId"/>: the injured party's manager (their own, else their branch's), to be
/// told; the violator's manager, who may be liable (P-8.1), is in <see cref="Violator"/>.
/// </summary>
public sealed record ViolationDetected(
    string ViolationId,
    string RuleId,
    string Kind,
    ViolationParty Violator,
    string? InjuredEmployeeId,
    string? CustomerId,
    string? CustomerIdentityKey,
    decimal CustomerAnnualShipments,
    string Evidence,
    string Source,
    DateTimeOffset DetectedAt,
    string? InjuredManagerId = null);

/// <summary>
/// A violation decided by hq or the branch in a case (P-4.5, P-8.1), or hq's finding on an earlier
/// <see cref="ViolationDetected"/> with the same id: whether the violator's manager was negligent,
/// involved or inactive (joint liability, P-8.1).
/// </summary>
public sealed record ViolationConfirmed(
    string ViolationId,
    string RuleId,
    string Kind,
    ViolationParty Violator,
    string? CaseId,
    string ManagerFinding,
    decimal CustomerAnnualShipments,
    string Reason,
    string ConfirmedBy,
    DateTimeOffset ConfirmedAt);

public static class ManagerFindings
{
    public const string None = "none";
    public const string Negligent = "negligent";
    public const string Involved = "involved";
    public const string Inactive = "inactive";

    public static readonly IReadOnlyList<string> All = [None, Negligent, Involved, Inactive];

    /// <summary>P-8.1: the manager is jointly liable when negligent, involved or inactive.</summary>
    public static bool MakesManagerLiable(string finding) => finding is Negligent or Involved or Inactive;
}
