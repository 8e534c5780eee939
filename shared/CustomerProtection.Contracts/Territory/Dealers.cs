namespace CustomerProtection.Contracts.Territory;

/// <summary>
/// P-7: a confirmed violation by a point-to-area dealer in a region with a direct branch or office
/// ended its right to stay; hq is asked to convert it to point-to-point or end its appointment.
/// </summary>
public sealed record DealerRightToStayEnded(string DealerId, string BranchId, string RegionId, string ViolationId, string RuleId, IReadOnlyList<string> DirectBranchIds, DateTimeOffset OccurredAt);

/// <summary>P-7: hq converted the dealer to point-to-point (Outcome "converted") or ended its appointment ("ended").</summary>
public sealed record DealerReviewDecided(string DealerId, string Outcome, string DecidedBy, string? Reason, DateTimeOffset OccurredAt);
