namespace CustomerProtection.Territory.Domain;

/// <summary>
/// P-7: a point-to-area dealer in a region with a direct branch or office committed a confirmed
/// violation, so its right to stay ended; hq converts it to point-to-point or ends its appointment.
/// One per dealer (a further violation while it is open adds nothing: the dealer already lost the right).
/// </summary>
public sealed record DealerReview(
    string DealerId,
    string BranchId,
    string RegionId,
    string ViolationId,
    string RuleId,
    IReadOnlyList<string> DirectBranchIds,
    DateTimeOffset OpenedAt,
    string Status,
    string? DecidedBy = null,
    DateTimeOffset? DecidedAt = null,
    string? Reason = null);

public static class DealerReviewStatuses
{
    public const string Open = "open";
    public const string Converted = "converted";
    public const string Ended = "ended";
}

public static class DealerReviewRules
{
    /// <summary>
    /// P-7: "existing point-to-area dealers stay while they commit no violation": an active
    /// point-to-area dealer in a region with a direct branch or office loses the right with a confirmed
    /// violation. The direct branches or offices, or null when the dealer keeps its right.
    /// </summary>
    public static IReadOnlyList<string>? DirectBranchesEndingTheRight(Dealer dealer, IEnumerable<Branch> branchesInRegion) =>
        dealer is { Status: DealerStatuses.Active, Kind: DealerKinds.PointToArea } && DirectoryRules.DirectBranches(branchesInRegion) is { Count: > 0 } direct
            ? direct
            : null;

    /// <summary>hq's decision: the dealer becomes point-to-point (it may stay as such) or its appointment ends.</summary>
    public static (DealerReview Review, Dealer Dealer) Decide(DealerReview review, Dealer dealer, Caller caller, bool convert, string? reason, DateTimeOffset now)
    {
        if (!caller.IsHq)
        {
            throw new ScopeDeniedException("只有总公司决定点对面经销商的去留 / only hq converts or ends a point-to-area dealer (P-7)");
        }

        if (review.Status != DealerReviewStatuses.Open)
        {
            throw new PolicyRefusalException("P-7", $"经销商 {review.DealerId} 已处理（{review.Status}）/ dealer {review.DealerId} was already decided ({review.Status})",
                new Dictionary<string, string> { ["dealer_id"] = review.DealerId, ["status"] = review.Status });
        }

        var decided = review with
        {
            Status = convert ? DealerReviewStatuses.Converted : DealerReviewStatuses.Ended,
            DecidedBy = caller.EmployeeId,
            DecidedAt = now,
            Reason = reason,
        };
        return (decided, convert ? dealer with { Kind = DealerKinds.PointToPoint } : dealer with { Status = DealerStatuses.Terminated });
    }
}
