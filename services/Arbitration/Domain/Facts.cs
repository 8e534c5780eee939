namespace CustomerProtection.Arbitration.Domain;

/// <summary>Registration's customer as Arbitration needs it: ids, owner, branch, dates. Never contacts (C-1).</summary>
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
    string? PreviousOwnerId)
{
    /// <summary>P-2.1: an approved filing is announced at once; its protection holds now.</summary>
    public bool IsAnnounced => Status == "protected" && ProtectedNow && ApprovedOn is not null;

    /// <summary>The filing as P-9.1 sees it for its owner.</summary>
    public FilingFact Filing => new(CustomerId, ApprovedOn, Status == "protected" && ProtectedNow, Status);
}

/// <summary>A shipment from Territory's SaleRecorded, kept in Arbitration's own record of deals (P-2.4 "deal").</summary>
public sealed record DealFact(string SaleId, string SellerId, DateOnly ShippedOn, decimal Amount);

/// <summary>An employee as Territory's directory has them: what a violation's party needs (P-8.1).</summary>
public sealed record EmployeeFacts(string EmployeeId, string Role, string? BranchId, string? RegionId, string? ManagerId);
