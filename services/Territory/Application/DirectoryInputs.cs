namespace CustomerProtection.Territory.Application;

// What the directory use cases take: plain data mapped from the gRPC requests (or an import row).
// Empty strings mean "not given"; the use cases validate everything.

public sealed record RegionInput(string Id, string Name);

public sealed record BranchInput(string Id, string RegionId, string Name, string Kind, bool Direct, string? ManagerId, bool AutoApproveFilings);

public sealed record BranchUpdate(string Id, string? Name, string? ManagerId, bool? AutoApproveFilings, long ExpectedVersion);

/// <summary>An employee as hired or imported; <c>HireDate</c> and <c>Status</c> are an import row's (the document's yyyy-MM-dd text), CreateEmployee's day comes as its google.type.Date.</summary>
public sealed record EmployeeInput(string Id, string Name, string Role, string? BranchId, string? RegionId, string? ManagerId, string? HireDate, string? Status = null, string? Email = null);

public sealed record EmployeeUpdate(string Id, string? Name, string? Role, string? BranchId, string? RegionId, string? ManagerId, string? Status, long ExpectedVersion, string? Email = null);

public sealed record DealerInput(string Id, string Name, string BranchId, string? RegionId, string Kind, string? TaxpayerId, string InvoiceTitle);
