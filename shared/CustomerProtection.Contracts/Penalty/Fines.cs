namespace CustomerProtection.Contracts.Penalty;

/// <summary>P-8.1: a fine was proposed for a violation (violator or jointly liable manager); MaxAmount null: no maximum.</summary>
public sealed record PenaltyImposed(string FineId, string ViolationId, string RuleId, string EmployeeId, string Liability, decimal Amount, decimal MinAmount, decimal? MaxAmount, bool Serious, DateTimeOffset OccurredAt);

/// <summary>A fine reached its end: paid, or overturned on appeal.</summary>
public sealed record PenaltySettled(string FineId, string ViolationId, string EmployeeId, string Outcome, decimal Amount, DateTimeOffset OccurredAt);

/// <summary>
/// P-8.3: hq declared a violation a serious case: the violator's heavier fine (null: the fine was not
/// changed) and/or their dismissal, which Territory records as a departure (P-12 customers return to
/// the pool, C-9 access ends). Role and branch are the violator's when the violation was found.
/// </summary>
public sealed record SeriousCaseDeclared(
    string ViolationId,
    string RuleId,
    string EmployeeId,
    string Role,
    string? BranchId,
    decimal? Fine,
    bool Dismissal,
    string Reason,
    string DeclaredBy,
    DateTimeOffset OccurredAt);

/// <summary>
/// hq let a fine stand: confirmed, adjusted (also made heavier in a serious case, P-8.3) or upheld on
/// appeal — the violation is confirmed by hq (P-8.1, P-8.2). ViolatorRole is the violation's violator's
/// role when it was found; Territory reads a violator's fine for P-7 (a point-to-area dealer's violation).
/// </summary>
public sealed record FineConfirmed(
    string FineId,
    string ViolationId,
    string RuleId,
    string Liability,
    string EmployeeId,
    string ViolatorRole,
    string Status,
    decimal Amount,
    string By,
    DateTimeOffset OccurredAt);
