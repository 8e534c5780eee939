namespace CustomerProtection.Contracts.Territory;

/// <summary>
/// P-4.1, P-10: a salesperson asked to sell to a customer in another region. The target region's
/// secretary has until <see cref="Deadline"/> to confirm or refuse.
/// </summary>
public sealed record CrossRegionFilingSubmitted(
    string FilingId,
    string RequesterId,
    string? RequesterBranchId,
    string RequesterRegionId,
    string TargetRegionId,
    string CustomerIdentityKey,
    string InvoiceTitle,
    DateTimeOffset SubmittedAt,
    DateTimeOffset Deadline);

/// <summary>
/// P-10: the target region's secretary did not answer by the deadline; hq and the target regional
/// manager decide now (the filing is in their queues). Published once per filing.
/// </summary>
public sealed record CrossRegionEscalated(
    string FilingId,
    string RequesterId,
    string TargetRegionId,
    IReadOnlyList<string> TargetRegionalManagerIds,
    string CustomerIdentityKey,
    DateTimeOffset SubmittedAt,
    DateTimeOffset Deadline,
    DateTimeOffset EscalatedAt);

/// <summary>
/// P-4.1, P-10: one answer or decision on a filing, by whom and in which role; Outcome is the filing's
/// status after it (confirmed: waiting for hq; escalated: waiting for the other decider; approved;
/// refused) and Approve the decider's own yes or no.
/// </summary>
public sealed record CrossRegionFilingDecided(
    string FilingId,
    string RequesterId,
    string TargetRegionId,
    string CustomerIdentityKey,
    string Outcome,
    string DecidedBy,
    string DeciderRole,
    string? Reason,
    DateTimeOffset DecidedAt,
    bool? Approve = null);
