namespace CustomerProtection.Contracts.Arbitration;

/// <summary>
/// An ownership case was opened: Registration shows the customer as disputed and blocks transfers by anyone else.
/// <see cref="BranchId"/>: the customer's branch, whose case it is (Territory's monthly report counts it there).
/// </summary>
public sealed record CaseOpened(string CaseId, string Kind, string CustomerId, string? ClaimantId, string? RespondentId, DateTimeOffset OpenedAt, string? BranchId = null);

/// <summary>The case ended (decided, withdrawn or refused): the dispute marker is lifted. <see cref="BranchId"/> as in <see cref="CaseOpened"/>.</summary>
public sealed record CaseClosed(string CaseId, string CustomerId, string Outcome, DateTimeOffset ClosedAt, string? BranchId = null);

/// <summary>
/// P-2.4, P-9, P-13: a decision on who owns the customer. Registration transfers ownership (or adds
/// co-developers for joint development) and records why in the ownership history.
/// </summary>
public sealed record OwnershipAwarded(
    string CaseId,
    string CustomerId,
    string OwnerId,
    string? PreviousOwnerId,
    IReadOnlyList<string> CoDeveloperIds,
    string Resolution,
    string Reason,
    string DecidedBy,
    DateTimeOffset DecidedAt);

public static class Resolutions
{
    public const string JointDevelopment = "joint_development";
    public const string SurpassingClaim = "surpassing_claim";
    public const string Auction = "auction";
    public const string Decision = "decision";
}
