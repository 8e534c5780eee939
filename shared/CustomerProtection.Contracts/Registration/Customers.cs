namespace CustomerProtection.Contracts.Registration;

// Registration's facts about customers. They carry ids and business facts only, never clear
// confidential values (C-2): contacts, phones and bank data stay in Registration.

/// <summary>P-2.1: a salesperson or dealer filed a customer (pending the secretary's decision, or approved at once: FilingApproved follows).</summary>
public sealed record FilingSubmitted(string CustomerId, string IdentityKey, string FilerId, string BranchId, DateTimeOffset OccurredAt);

/// <summary>P-2.1: the branch secretary rejected a pending filing; the identity is free again. The reason stays in Registration.</summary>
public sealed record FilingRejected(string CustomerId, string IdentityKey, string FilerId, string BranchId, string RejectedBy, DateTimeOffset OccurredAt);

/// <summary>P-2.1/P-2.2: a filing was approved and announced; protection runs and the objection window is open.</summary>
public sealed record FilingApproved(
    string CustomerId,
    string IdentityKey,
    string InvoiceTitle,
    string OwnerId,
    string BranchId,
    string? RegionId,
    string Stage,
    DateOnly ApprovedOn,
    DateOnly LastProtectedDay,
    DateOnly ObjectionWindowEnds,
    string? PreviousOwnerId,
    DateTimeOffset OccurredAt);

/// <summary>P-3.5: protection ended without extension; the customer is free (or back in the pool).</summary>
public sealed record ProtectionLapsed(string CustomerId, string IdentityKey, string FormerOwnerId, string BranchId, DateOnly LastProtectedDay, DateTimeOffset OccurredAt);

/// <summary>X-3: a reminder due (owner 30/7/1 days, manager 7 days before the last protected day).</summary>
public sealed record ProtectionReminderDue(string CustomerId, string RecipientId, string RecipientRole, int DaysBefore, DateOnly LastProtectedDay, DateTimeOffset OccurredAt);

/// <summary>Owner or status changed: filing, transfer, pool, claim, reallocation, award.</summary>
public sealed record OwnershipChanged(string CustomerId, string? FromOwnerId, string? ToOwnerId, string Status, string Reason, string? ByEmployeeId, DateTimeOffset OccurredAt);

/// <summary>
/// An award (OwnershipAwarded) that Registration's ownership gate refused to apply: the winner left
/// (C-9, P-12), is at the holding cap, or another record of the same customer is held (P-2.5).
/// The customer is unchanged; Arbitration records the refusal on the case, whose decider must
/// decide again. <see cref="RuleId"/> and <see cref="Details"/> are the refusal's ErrorInfo.
/// </summary>
public sealed record OwnershipAwardRefused(
    string CaseId,
    string CustomerId,
    string OwnerId,
    string RuleId,
    string Reason,
    IReadOnlyDictionary<string, string> Details,
    DateTimeOffset DecidedAt,
    DateTimeOffset RefusedAt);
