namespace CustomerProtection.Contracts.Organization;

// Organisation events carry the whole entity as it is after the change, plus Territory's version
// of it: a consumer keeps the newest version it has seen, so redelivery and reordering are
// harmless (architecture.md: idempotent consumers). Roles and statuses use the token vocabulary
// (salesperson, dealer, branch_secretary, branch_manager, regional_secretary, regional_manager, hq;
// active, on_leave, left). An employee's Email (optional: the directory may not know it) is where the
// notifications worker sends their notices (docs/notifications.md).

public sealed record RegionSnapshot(string RegionId, string Name);

public sealed record BranchSnapshot(
    string BranchId,
    string RegionId,
    string Name,
    string Kind,
    bool Direct,
    string? ManagerId,
    bool AutoApproveFilings);

public sealed record EmployeeSnapshot(
    string EmployeeId,
    string Name,
    string Role,
    string? BranchId,
    string? RegionId,
    string? ManagerId,
    string Status,
    DateOnly? HireDate,
    DateOnly? LeftOn,
    string? Email = null);

public sealed record DealerSnapshot(
    string DealerId,
    string Name,
    string BranchId,
    string RegionId,
    string Kind,
    string? TaxpayerId,
    string InvoiceTitle,
    string IdentityKey,
    string Status,
    DateOnly AppointedOn);
