
namespace CustomerProtection.Territory.Domain;

/// <summary>
/// Who may change what in the directory: hq everything; a regional manager within their region
/// (not hq or other regional managers); a branch manager within their branch, for salespeople and
/// secretaries, and the branch's dealers. Everyone authenticated may read.
/// </summary>
public static class DirectoryScopes
{
    public static bool CanManageRegions(Caller caller) => caller.IsHq;

    public static bool CanManageBranch(Caller caller, string regionId) =>
        caller.IsHq || (caller.Role == Roles.RegionalManager && caller.RegionId == regionId);

    public static bool CanManageEmployee(Caller caller, string role, string? branchId, string? regionId) => caller.Role switch
    {
        Roles.Hq => true,
        Roles.RegionalManager => regionId is not null && caller.RegionId == regionId && role is not (Roles.Hq or Roles.RegionalManager),
        Roles.BranchManager => branchId is not null && caller.BranchId == branchId && role is Roles.Salesperson or Roles.BranchSecretary,
        _ => false,
    };

    public static bool CanManageDealer(Caller caller, string branchId, string regionId) => caller.Role switch
    {
        Roles.Hq => true,
        Roles.RegionalManager => caller.RegionId == regionId,
        Roles.BranchManager => caller.BranchId == branchId,
        _ => false,
    };
}
