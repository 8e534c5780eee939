using CustomerProtection.Protos;
using CustomerProtection.Time;
using CustomerProtection.Territory.Domain;
using V1 = CustomerProtection.Territory.V1;

namespace CustomerProtection.Territory.Grpc;

/// <summary>Between the wire (proto enums, google.type.Date days) and the domain's vocabulary.</summary>
internal static class DirectoryMapping
{
    private static readonly Dictionary<V1.Role, string> RoleNames = new()
    {
        [V1.Role.Salesperson] = Roles.Salesperson,
        [V1.Role.Dealer] = Roles.Dealer,
        [V1.Role.BranchSecretary] = Roles.BranchSecretary,
        [V1.Role.BranchManager] = Roles.BranchManager,
        [V1.Role.RegionalSecretary] = Roles.RegionalSecretary,
        [V1.Role.RegionalManager] = Roles.RegionalManager,
        [V1.Role.Hq] = Roles.Hq,
    };

    // Unspecified maps to "" so that validation names the field instead of guessing a value.
    public static string Role(V1.Role role) => RoleNames.GetValueOrDefault(role, "");

    public static string? RoleOrNull(V1.Role role) => role == V1.Role.Unspecified ? null : Role(role);

    public static V1.Role Role(string role) => RoleNames.FirstOrDefault(p => p.Value == role).Key;

    public static string? Status(V1.EmployeeStatus status) => status switch
    {
        V1.EmployeeStatus.Active => EmployeeStatuses.Active,
        V1.EmployeeStatus.OnLeave => EmployeeStatuses.OnLeave,
        V1.EmployeeStatus.Left => EmployeeStatuses.Left,
        _ => null,
    };

    public static V1.EmployeeStatus Status(string status) => status switch
    {
        EmployeeStatuses.Active => V1.EmployeeStatus.Active,
        EmployeeStatuses.OnLeave => V1.EmployeeStatus.OnLeave,
        EmployeeStatuses.Left => V1.EmployeeStatus.Left,
        _ => V1.EmployeeStatus.Unspecified,
    };

    public static string BranchKind(V1.BranchKind kind) => kind switch
    {
        V1.BranchKind.Branch => BranchKinds.Branch,
        V1.BranchKind.Office => BranchKinds.Office,
        _ => "",
    };

    public static string DealerKind(V1.DealerKind kind) => kind switch
    {
        V1.DealerKind.PointToPoint => DealerKinds.PointToPoint,
        V1.DealerKind.PointToArea => DealerKinds.PointToArea,
        _ => "",
    };

    public static V1.Region ToProto(Versioned<Region> r) => new() { Id = r.Value.Id, Name = r.Value.Name, Version = r.Version };

    public static V1.Branch ToProto(Versioned<Branch> b) => new()
    {
        Id = b.Value.Id,
        RegionId = b.Value.RegionId,
        Name = b.Value.Name,
        Kind = b.Value.Kind == BranchKinds.Office ? V1.BranchKind.Office : V1.BranchKind.Branch,
        Direct = b.Value.Direct,
        ManagerId = b.Value.ManagerId ?? "",
        AutoApproveFilings = b.Value.AutoApproveFilings,
        Version = b.Version,
    };

    public static V1.Employee ToProto(Versioned<Employee> e) => new()
    {
        Id = e.Value.Id,
        Name = e.Value.Name,
        Role = Role(e.Value.Role),
        BranchId = e.Value.BranchId ?? "",
        RegionId = e.Value.RegionId ?? "",
        ManagerId = e.Value.ManagerId ?? "",
        Status = Status(e.Value.Status),
        HireDate = Date(e.Value.HireDate),
        LeftOn = Date(e.Value.LeftOn),
        Version = e.Version,
        Email = e.Value.Email ?? "",
    };

    public static V1.Dealer ToProto(Versioned<Dealer> d) => new()
    {
        Id = d.Value.Id,
        Name = d.Value.Name,
        BranchId = d.Value.BranchId,
        RegionId = d.Value.RegionId,
        Kind = d.Value.Kind == DealerKinds.PointToArea ? V1.DealerKind.PointToArea : V1.DealerKind.PointToPoint,
        TaxpayerId = d.Value.TaxpayerId ?? "",
        InvoiceTitle = d.Value.InvoiceTitle,
        Status = d.Value.Status == DealerStatuses.Terminated ? V1.DealerStatus.Terminated : V1.DealerStatus.Active,
        AppointedOn = Date(d.Value.AppointedOn),
        Version = d.Version,
    };

    public static V1.ImportCounts ToProto(Application.ImportCounts c) => new() { Created = c.Created, Updated = c.Updated, Unchanged = c.Unchanged };

    private static Google.Type.Date? Date(DateOnly? date) => date.ToProtoDate();
}
