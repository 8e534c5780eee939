namespace CustomerProtection.Contracts.Registration;

// More of Registration's facts about customers (ids and business facts only, never contacts: C-2).

/// <summary>
/// The protection period of an owned customer changed (P-3.1 a shipment restarted it or made a
/// prospect formal, P-3.3 an extension was approved, P-3.1 hq's special filing).
/// </summary>
public sealed record ProtectionPeriodChanged(
    string CustomerId,
    string IdentityKey,
    string OwnerId,
    string BranchId,
    string Stage,
    string Cause,
    DateOnly PeriodStart,
    DateOnly LastProtectedDay,
    DateTimeOffset OccurredAt);

public static class PeriodChangeCauses
{
    public const string Shipment = "shipment";
    public const string Extension = "extension";
    public const string SpecialPeriod = "special_period";
}

/// <summary>P-3.6: the owner added or removed a co-developer; the list is the whole list after the change.</summary>
public sealed record CoDevelopersChanged(string CustomerId, string OwnerId, IReadOnlyList<string> CoDeveloperIds, string ByEmployeeId, DateTimeOffset OccurredAt);

/// <summary>M-2: a dated progress record (call, e-mail, visit, trial, quote) with evidence; evidence for P-9.2.</summary>
public sealed record ProgressRecorded(string CustomerId, string? OwnerId, string RecordedBy, string Kind, DateOnly On, DateTimeOffset OccurredAt);

/// <summary>
/// P-3.4: the monthly check found a calendar month without progress for a major prospect; the owner's
/// manager is told. A second such month lapses the protection (ProtectionLapsed follows).
/// </summary>
public sealed record MajorProspectFlagged(string CustomerId, string OwnerId, string? ManagerId, string BranchId, string MissedMonth, DateOnly FlaggedOn, DateTimeOffset OccurredAt);

/// <summary>
/// P-6: a dealer tried to file another dealer's identity and was refused. Nothing happened, so this is
/// no violation (Penalty does not consume it): it is told to the dealer's branch manager, who can list the
/// branch's refused attempts. <see cref="AttemptId"/> is stable per dealer, identity and day: the same
/// attempt repeated is recorded and published once.
/// </summary>
public sealed record DealerFilingRefused(
    string AttemptId,
    string DealerId,
    string? BranchId,
    string? BranchManagerId,
    string FiledDealerId,
    string CustomerIdentityKey,
    string InvoiceTitle,
    DateOnly On,
    DateTimeOffset OccurredAt);
