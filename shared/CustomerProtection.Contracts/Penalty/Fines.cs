namespace CustomerProtection.Contracts.Penalty;

/// <summary>P-8.1: a fine was proposed for a violation (violator or jointly liable manager).</summary>
public sealed record PenaltyImposed(string FineId, string ViolationId, string RuleId, string EmployeeId, string Liability, decimal Amount, decimal MinAmount, decimal MaxAmount, bool Serious, DateTimeOffset OccurredAt);

/// <summary>A fine reached its end: paid, or overturned on appeal.</summary>
public sealed record PenaltySettled(string FineId, string ViolationId, string EmployeeId, string Outcome, decimal Amount, DateTimeOffset OccurredAt);
