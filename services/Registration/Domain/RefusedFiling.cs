namespace CustomerProtection.Registration.Domain;

/// <summary>
/// A salesperson's or dealer's filing that did not become theirs, and why, kept for the filer (and their branch
/// manager, hq): the secretary rejected it (P-2.1, with the reason; <paramref name="CustomerId"/> the filing), or
/// the customer was taken (P-9.1, ALREADY_EXISTS; <paramref name="CustomerId"/> the holder's record,
/// <paramref name="HolderId"/> its owner). Stored as P-6's refused dealer filings are: one record per filer,
/// identity and day (<see cref="ViolationIds.For"/>), indexed per filer by time.
/// </summary>
public sealed record RefusedFiling(
    string Id,
    string FilerId,
    string? BranchId,
    string RuleId,
    string IdentityKey,
    string Title,
    string CustomerId,
    string? HolderId,
    string Reason,
    DateOnly On,
    DateTimeOffset At);
