namespace CustomerProtection.Contracts.Registration;

// Registration's customer maintenance facts (docs/maintenance.md): ids, classes, dates and scores only,
// never contacts (C-2).

/// <summary>
/// M-1, X-3: a customer's follow-up is overdue — its last counted contact record (or the start of its
/// period when there is none) is older than its class's interval. Sent once per overdue period: at the
/// first overdue day, then again each further interval while nothing is recorded.
/// </summary>
public sealed record FollowUpOverdue(
    string CustomerId,
    string OwnerId,
    string BranchId,
    string CustomerClass,
    DateOnly LastContactOn,
    DateOnly OverdueSince,
    int OverduePeriod,
    DateTimeOffset OccurredAt);

/// <summary>
/// M-4 → M-3: a satisfaction survey answer with an overall score at or below the low-score parameter.
/// Arbitration records it as a customer complaint to be answered and followed up (one per round and customer).
/// </summary>
public sealed record SurveyLowScoreRecorded(
    string RoundId,
    string CustomerId,
    string BranchId,
    string? OwnerId,
    string RecordedBy,
    string RecordedByRole,
    int OverallScore,
    int LowScore,
    DateTimeOffset OccurredAt);
