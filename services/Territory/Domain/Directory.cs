namespace CustomerProtection.Territory.Domain;

// The organisation directory's entities (P-1.5, P-7, P-12). Plain data: the rules that judge them
// are in DirectoryRules and DirectoryScopes. Vocabulary (roles, statuses, kinds) is the token
// vocabulary shared with the events, so nothing is translated between storage and the wire.

public sealed record Region(string Id, string Name);

public sealed record Branch(
    string Id,
    string RegionId,
    string Name,
    string Kind,
    bool Direct,
    string? ManagerId,
    bool AutoApproveFilings);

public sealed record Employee(
    string Id,
    string Name,
    string Role,
    string? BranchId,
    string? RegionId,
    string? ManagerId,
    string Status,
    DateOnly? HireDate,
    DateOnly? LeftOn,
    string? Email = null);

public sealed record Dealer(
    string Id,
    string Name,
    string BranchId,
    string RegionId,
    string Kind,
    string? TaxpayerId,
    string InvoiceTitle,
    string Status,
    DateOnly AppointedOn);

public static class BranchKinds
{
    public const string Branch = "branch";
    public const string Office = "office";
    public static readonly IReadOnlyList<string> All = [Branch, Office];
}

public static class EmployeeStatuses
{
    public const string Active = "active";
    public const string OnLeave = "on_leave";
    public const string Left = "left";
}

public static class DealerKinds
{
    public const string PointToPoint = "point_to_point";
    public const string PointToArea = "point_to_area";
    public static readonly IReadOnlyList<string> All = [PointToPoint, PointToArea];
}

public static class DealerStatuses
{
    public const string Active = "active";
    public const string Terminated = "terminated";
}
