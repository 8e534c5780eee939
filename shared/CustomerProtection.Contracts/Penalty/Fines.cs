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
