namespace CustomerProtection.Registration.Domain;

/// <summary>
/// A customer as Registration stores it: the invoice identity (P-2.5), the current filing and its
/// protection period's inputs (P-2.1, P-3), the owner, co-developers (P-3.6), an open case marker,
/// and what the due-queue has already announced. Dates the policy talks about are
/// Asia/Shanghai dates; the period's end is never stored as truth but computed from these inputs
/// with the calendar and parameters in force (<see cref="Protection"/>), so status is evaluated
/// when asked (P-3.5). Contacts are not here: they are confidential (C-1) and live in their own
/// hash so that they can be encrypted in place and never travel in events.
/// </summary>
public sealed record Customer
{
    public required string Id { get; init; }
    public required string IdentityKey { get; init; }
    public required string Title { get; init; }

    /// <summary>The taxpayer id, when the identity is one (P-2.5); derived, not stored.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? TaxpayerId => IdentityKey.StartsWith(Policy.Identity.CustomerIdentity.TaxpayerIdPrefix, StringComparison.Ordinal)
        ? IdentityKey[Policy.Identity.CustomerIdentity.TaxpayerIdPrefix.Length..]
        : null;

    /// <summary>M-1: important, potential, ordinary.</summary>
    public required string Class { get; init; }

    /// <summary>P-3.4: expected annual sales declared at filing (CNY).</summary>
    public decimal Sales { get; init; }

    /// <summary>P-13: the branch the customer belongs to (the owner's branch when filed, claimed or awarded).</summary>
    public required string BranchId { get; init; }
    public string? RegionId { get; init; }

    /// <summary>The stored status (<see cref="CustomerStatus"/>); the effective one may be lapsed already (<see cref="Protection.Evaluate"/>).</summary>
    public required string Status { get; init; }
    public string Stage { get; init; } = Stages.Prospect;

    public string? OwnerId { get; init; }
    public string? OwnerName { get; init; }

    // The filing (P-2.1): who, when, on what evidence.
    public required string FiledBy { get; init; }
    public DateTimeOffset FiledAt { get; init; }
    public string? EvidenceKind { get; init; }
    public DateOnly? EvidenceDate { get; init; }
    public string? Evidence { get; init; }

    /// <summary>P-2.5: the filer asked for a manual identity review (a taxpayer id failing its check character).</summary>
    public bool ManualReview { get; init; }

    public DateOnly? ApprovedOn { get; init; }
    public string? ApprovedBy { get; init; }

    // The protection period's inputs: it counts from PeriodStart (approval, claim, award day, or the
    // last shipment for a formal customer), for the stage's days (or hq's special period), plus the
    // extensions approved in this period (P-3.3).
    public DateOnly? PeriodStart { get; init; }
    public int ExtensionDays { get; init; }
    public int? SpecialPeriodDays { get; init; }
    public DateOnly? LastShipmentOn { get; init; }

    /// <summary>P-2.2: the last day of the objection window after the announcement.</summary>
    public DateOnly? ObjectionWindowEnds { get; init; }

    public IReadOnlyList<string>? CoDevelopers { get; init; }

    /// <summary>An ownership case is open (Arbitration's CaseOpened): nobody else may transfer it meanwhile.</summary>
    public string? OpenCaseId { get; init; }

    /// <summary>
    /// The claimant of the open case when it is about who holds the customer (P-2.2 objection, P-2.3
    /// lapsed claim): the one case kind where a surpassing-progress claim (P-2.4(b)) can be pending,
    /// so the one outsider who may record a trial on the customer while the case is open.
    /// </summary>
    public string? CaseClaimantId { get; init; }

    /// <summary>
    /// When the open case was opened (CaseOpened.OpenedAt): Arbitration reopens a case whose award the
    /// ownership gate refused, under the same id, so a CaseClosed older than this closed the earlier opening.
    /// </summary>
    public DateTimeOffset? CaseOpenedAt { get; init; }

    // When the customer was given up (lapse, P-3.5) or left behind (P-12): the previous owner's
    // cool-down and the pool's priority window count from FreedAt.
    public string? PreviousOwnerId { get; init; }
    public DateTimeOffset? FreedAt { get; init; }
    /// <summary>Why it was freed: <see cref="Changes.Lapsed"/> (P-3.5) or <see cref="Changes.Pool"/> (P-12, the owner left).</summary>
    public string? FreedReason { get; init; }

    /// <summary>M-2 progress dates (the records themselves are a list of their own): P-3.4's monthly check.</summary>
    public IReadOnlyList<DateOnly>? ProgressDates { get; init; }

    public PendingExtension? PendingExtension { get; init; }

    // reminders of the current period due after RemindersFrom are sent once each; the sent ones
    // are listed by (recipient, days, last day). P-3.4: the month already flagged.
    public DateTimeOffset? RemindersFrom { get; init; }
    public IReadOnlyList<string>? RemindersSent { get; init; }
    public string? FlaggedMonth { get; init; }

    public bool IsCoDeveloper(string employeeId) => CoDevelopers?.Contains(employeeId) == true;
}

/// <summary>P-3.3: an extension request waiting for the manager or secretary.</summary>
public sealed record PendingExtension(int Days, DateOnly RequestedOn, string RequestedBy, string? Reason);

/// <summary>Stored statuses; the same words as the gRPC views and Ownership.</summary>
public static class CustomerStatus
{
    public const string Pending = "pending_approval";
    public const string Protected = "protected";
    public const string Lapsed = "lapsed";
    public const string Pool = "pool";
    public const string Rejected = "rejected";

    /// <summary>Nobody holds the identity: a new filing (P-2.3) or a pool claim may take it.</summary>
    public static bool IsFree(string effectiveStatus) => effectiveStatus is Lapsed or Pool or Rejected;
}

public static class Stages
{
    public const string Prospect = "prospect";
    public const string Formal = "formal";
}

/// <summary>M-1 customer classes.</summary>
public static class CustomerClasses
{
    public const string Important = "important";
    public const string Potential = "potential";
    public const string Ordinary = "ordinary";
    public static readonly IReadOnlyList<string> All = [Important, Potential, Ordinary];
}

/// <summary>P-2.1: a filing follows a visit, a phone appointment or a referral.</summary>
public static class EvidenceKinds
{
    public static readonly IReadOnlyList<string> All = ["visit", "phone", "referral"];
}

/// <summary>M-2: the kinds of contact and progress records.</summary>
public static class ProgressKinds
{
    public const string Trial = "trial";
    public static readonly IReadOnlyList<string> All = ["call", "email", "visit", Trial, "quote"];
}

/// <summary>Arbitration's case kinds that Registration tells apart (the words of CaseOpened.Kind).</summary>
public static class CaseKinds
{
    /// <summary>P-2.4: cases about who holds the customer, resolved by joint development, a surpassing claim or an auction.</summary>
    public static bool IsOwnershipCase(string kind) => kind is "objection" or "lapsed_claim";
}

/// <summary>What a history entry records.</summary>
public static class Changes
{
    public const string Filed = "filed";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Lapsed = "lapsed";
    public const string Pool = "pool";
    public const string Claimed = "claimed";
    public const string Reallocated = "reallocated";
    public const string Awarded = "awarded";

    /// <summary>An award the ownership gate refused to apply (the customer did not change).</summary>
    public const string AwardRefused = "award_refused";
    public const string Formal = "formal";
    public const string CoDevelopers = "co_developers";
    public const string Disputed = "disputed";
    public const string CaseClosed = "case_closed";
    public const string Imported = "imported";
}

/// <summary>One entry of the ownership history: kept for ever, across every pool cycle.</summary>
public sealed record HistoryEntry(
    DateTimeOffset At,
    string Change,
    string Status,
    string? From,
    string? To,
    string? Reason,
    string By,
    string? CaseId = null);

/// <summary>An M-2 progress record.</summary>
public sealed record ProgressEntry(string Kind, DateOnly On, string? Note, string? Evidence, string RecordedBy, DateTimeOffset RecordedAt)
{
    /// <summary>
    /// M-2: a record is evidence only with its evidence reference; one without is kept and listed but
    /// counts for nothing (P-3.4 monthly progress, M-1 follow-ups, P-9.2).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEvidence => !string.IsNullOrWhiteSpace(Evidence);
}

/// <summary>
/// A customer's confidential and secret fields (C-1: <see cref="CustomerClassification"/> gives each
/// its level): the contact person, phone, e-mail, address, the agreed deal terms (payment, discount,
/// delivery), and the secret ones — bank account, financials (revenue, costs, loans) and contracts (the
/// signed agreements' references and terms). Stored with the customer encrypted as one blob (C-4),
/// never in events.
/// </summary>
public sealed record CustomerContact(
    string? Name,
    string? Phone,
    string? Email,
    string? Address,
    string? BankAccount = null,
    string? DealTerms = null,
    string? Financials = null,
    string? Contracts = null)
{
    public static readonly CustomerContact Empty = new(null, null, null, null);

    public bool IsEmpty => CustomerClassification.Protected.All(f => f.Get(this) is null);
}
