
namespace CustomerProtection.Registration.Confidentiality.Domain;

/// <summary>Grant statuses, computed at the time asked (a grant expires by itself, C-3).</summary>
public static class GrantStatus
{
    public const string Pending = "pending";
    public const string Refused = "refused";
    public const string Active = "active";
    public const string Expired = "expired";
    public const string Revoked = "revoked";

    /// <summary>C-9: the grantee left the company.</summary>
    public const string Ended = "ended";
}

/// <summary>
/// C-3: a request for time-limited access to one customer's confidential data, with its purpose, and
/// the branch manager's decision. Expiry is a moment, not a job: <see cref="StatusAt"/> says expired
/// from then on, and the grant slot the read path checks carries the same moment.
/// </summary>
public sealed record AccessGrant
{
    public required string Id { get; init; }
    public required string CustomerId { get; init; }

    /// <summary>The customer's branch when requested: its manager decides.</summary>
    public required string BranchId { get; init; }
    public required string EmployeeId { get; init; }
    public required string EmployeeRole { get; init; }
    public required string Purpose { get; init; }
    public string? Reason { get; init; }
    public required int Days { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }

    public bool? Approved { get; init; }
    public string? DecidedBy { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public string? DecisionReason { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Revoked (by the manager, hq or the grantee) or ended (C-9) before expiry.</summary>
    public string? EndedAs { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public string? EndedBy { get; init; }
    public string? EndReason { get; init; }

    public string StatusAt(DateTimeOffset now) =>
        EndedAs ?? (Approved switch
        {
            null => GrantStatus.Pending,
            false => GrantStatus.Refused,
            true => now < ExpiresAt ? GrantStatus.Active : GrantStatus.Expired,
        });

    /// <summary>What the read path checks for this grantee and customer (nothing once ended: expiry at the end).</summary>
    public GrantSlot Slot() => new(Id, Purpose, EndedAt is { } ended && ended < ExpiresAt!.Value ? ended : ExpiresAt!.Value);
}

/// <summary>Who may do what with access grants (C-3). Pure.</summary>
public static class AccessGrantRules
{
    /// <summary>C-3: the owner's branch manager approves or refuses.</summary>
    public static bool CanDecide(Caller caller, string branchId) => caller.Role == Roles.BranchManager && caller.BranchId == branchId;

    /// <summary>The branch manager or hq ends a grant early; the grantee may give it up.</summary>
    public static bool CanRevoke(Caller caller, AccessGrant grant) =>
        caller.IsHq || CanDecide(caller, grant.BranchId) || caller.EmployeeId == grant.EmployeeId;

    public static bool CanSee(Caller caller, AccessGrant grant) => CanRevoke(caller, grant);

    /// <summary>A branch's requests: its manager and hq.</summary>
    public static bool CanListBranch(Caller caller, string branchId) => caller.IsHq || CanDecide(caller, branchId);
}
