namespace CustomerProtection.Registration.Domain;

/// <summary>
/// P-6: a dealer's refused attempt to file another dealer (<paramref name="FiledDealerId"/>'s identity), kept
/// for the dealer's branch manager (and hq). Not a violation: nothing was filed.
/// </summary>
public sealed record RefusedDealerFiling(
    string Id,
    string DealerId,
    string? BranchId,
    string FiledDealerId,
    string IdentityKey,
    string Title,
    DateOnly On,
    DateTimeOffset At);
