namespace CustomerProtection.Arbitration.Domain;

/// <summary>Registration's customer as Arbitration needs it: ids, owner, branch, dates. Never contacts (C-1).</summary>
/// <param name="ApprovedOn">The day the current ownership started: an approval, a pool claim, a reallocation, an award or an import.</param>
/// <param name="ObjectionWindowEnds">
/// Registration's <c>objection_window_ends</c>: set only when the ownership came by an announced
/// filing (approval, auto-approval, P-2.1) or a pool claim (P-2.3); null for a reallocation (P-13),
/// an award (P-2.4, P-9) or an import, which open no objection window (docs/ownership.md).
/// </param>
public sealed record CustomerFacts(
    string CustomerId,
    string IdentityKey,
    string Title,
    string BranchId,
    string? RegionId,
    string? OwnerId,
    string Status,
    bool ProtectedNow,
    DateOnly? ApprovedOn,
    IReadOnlyList<string> CoDeveloperIds,
    string? PreviousOwnerId,
    DateOnly? ObjectionWindowEnds)
{
    /// <summary>The ownership holds now: protected and within its period.</summary>
    public bool HoldsNow => Status == "protected" && ProtectedNow && ApprovedOn is not null;

    /// <summary>
    /// P-2.1, P-2.2: an approved filing (or a pool claim, P-2.3) is announced at once and its protection
    /// holds now. Only Registration knows how the ownership came (P-13: a reallocation is final and opens
    /// no window; nor does an award or an import): it says so by announcing a window end.
    /// </summary>
    public bool IsAnnounced => HoldsNow && ObjectionWindowEnds is not null;

    /// <summary>The filing as P-9.1 sees it for its owner.</summary>
    public FilingFact Filing => new(CustomerId, ApprovedOn, Status == "protected" && ProtectedNow, Status);
}

/// <summary>A shipment from Territory's SaleRecorded, kept in Arbitration's own record of deals (P-2.4 "deal").</summary>
public sealed record DealFact(string SaleId, string SellerId, DateOnly ShippedOn, decimal Amount);

/// <summary>
/// An employee (or a dealer) as Territory's directory has them: what a violation's party needs (P-8.1)
/// and whether they may be given a customer (C-9, P-12). <see cref="Status"/> is the directory's word:
/// <c>active</c>, <c>on_leave</c>, <c>left</c> for employees, <c>active</c>, <c>terminated</c> for dealers.
/// </summary>
public sealed record EmployeeFacts(string EmployeeId, string Role, string? BranchId, string? RegionId, string? ManagerId, string Status);

public static class PersonStatuses
{
    public const string Active = "active";

    /// <summary>Neither an employee nor a dealer in Territory's directory.</summary>
    public const string Unknown = "unknown";
}

/// <summary>
/// C-9, P-12: the directory's status, read just before the step, of the people a step may make the
/// owner (a decision's winner, a claimant whose claim is met, the bidders still in line). Only an
/// active person may be given a customer: one who left has lost all access (C-9) and their customers
/// go back to the company (P-12); one on leave, or a terminated dealer, is not active either — the
/// same reading as Registration's ownership gate (docs/ownership.md, invariant 2), which would refuse
/// the award anyway.
/// </summary>
public sealed record HolderStatuses(IReadOnlyDictionary<string, string> ByPerson)
{
    public static readonly HolderStatuses None = new(new Dictionary<string, string>());

    /// <summary>The status of a person; <see cref="PersonStatuses.Unknown"/> when it was not read or the directory knows them not.</summary>
    public string Of(string personId) => ByPerson.GetValueOrDefault(personId, PersonStatuses.Unknown);

    public bool MayHold(string personId) => Of(personId) == PersonStatuses.Active;
}
