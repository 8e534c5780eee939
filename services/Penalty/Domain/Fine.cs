namespace CustomerProtection.Penalty.Domain;

/// <summary>Who a fine is for (P-8.1): the violator, or the violator's jointly liable manager.</summary>
public static class Liabilities
{
    public const string Violator = "violator";
    public const string Manager = "manager";

    /// <summary>
    /// Exactly once (architecture.md): a fine's id is a function of its violation and liability, so
    /// however often a violation arrives, its fines can only be created under these two ids.
    /// </summary>
    public static string FineId(string violationId, string liability) => $"{violationId}.{liability}";
}

/// <summary>
/// A fine's lifecycle: proposed → confirmed or adjusted (hq) → paid; or appealed (any time before
/// payment) → upheld (then paid) or overturned. Paid and overturned are final.
/// </summary>
public static class FineStatuses
{
    public const string Proposed = "proposed";
    public const string Confirmed = "confirmed";
    public const string Adjusted = "adjusted";
    public const string Appealed = "appealed";
    public const string Upheld = "upheld";
    public const string Overturned = "overturned";
    public const string Paid = "paid";

    public static readonly IReadOnlyList<string> All = [Proposed, Confirmed, Adjusted, Appealed, Upheld, Overturned, Paid];

    public static bool IsSettled(string status) => status is Paid or Overturned;

    /// <summary>A fine stands unless overturned on appeal.</summary>
    public static bool Stands(string status) => status != Overturned;
}

/// <summary>One step of a fine's life: what it became, who did it in which role, when, why, and the amount after it.</summary>
public sealed record FineStep(string Status, string By, string Role, DateTimeOffset At, string Reason, decimal Amount);

/// <summary>
/// A fine (P-8.1). <see cref="MinAmount"/>..<see cref="MaxAmount"/> is the range hq may adjust it
/// within (no maximum when null: the rule book sets none). <see cref="Serious"/>: hq declared its
/// violation a serious case (P-8.3). Branch and region are where the violation happened (the violator's), so that a branch's
/// fines include its manager's joint liability.
/// </summary>
public sealed record Fine(
    string Id,
    string ViolationId,
    string RuleId,
    string Kind,
    string Liability,
    string EmployeeId,
    string? BranchId,
    string? RegionId,
    decimal Amount,
    decimal MinAmount,
    decimal? MaxAmount,
    bool Serious,
    string Status,
    DateOnly ViolationDate,
    DateTimeOffset ViolationAt,
    string Basis,
    IReadOnlyList<FineStep> History);
