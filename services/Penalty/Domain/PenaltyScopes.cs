
namespace CustomerProtection.Penalty.Domain;

/// <summary>
/// Who sees and does what with fines: hq decides (P-8.1, P-8.2) and sees everything; regional roles
/// see their region, the branch manager and secretary their branch, everyone their own fines; only
/// the fined employee appeals.
/// </summary>
public static class PenaltyScopes
{
    public static bool CanDecide(Caller caller) => caller.IsHq;

    public static bool CanAppeal(Caller caller, Fine fine) => caller.EmployeeId == fine.EmployeeId;

    public static bool CanSee(Caller caller, Fine fine) =>
        caller.EmployeeId == fine.EmployeeId || Reaches(caller, fine.BranchId, fine.RegionId);

    public static bool CanSee(Caller caller, Violation violation) =>
        caller.EmployeeId == violation.Violator.EmployeeId
        || caller.EmployeeId == violation.Violator.ManagerId
        || Reaches(caller, violation.Violator.BranchId, violation.Violator.RegionId);

    /// <summary>
    /// A branch's violation history: hq, the branch's manager and secretary, and regional roles
    /// (whose answer holds only the violations of their own region: a violation carries its region).
    /// </summary>
    /// <summary>The monthly report: hq, the regional roles and a branch's manager and secretary (each narrowed to their reach).</summary>
    public static bool CanReadReports(Caller caller) => caller.Role is Roles.Hq or Roles.RegionalManager or Roles.RegionalSecretary
        or Roles.BranchManager or Roles.BranchSecretary;

    public static bool CanListBranch(Caller caller, string branchId) => caller.Role switch
    {
        Roles.Hq or Roles.RegionalManager or Roles.RegionalSecretary => true,
        Roles.BranchManager or Roles.BranchSecretary => caller.BranchId == branchId,
        _ => false,
    };

    /// <summary>Whether the caller's role covers a branch (and its region) as a whole.</summary>
    public static bool Reaches(Caller caller, string? branchId, string? regionId) => caller.Role switch
    {
        Roles.Hq => true,
        Roles.RegionalManager or Roles.RegionalSecretary => regionId is not null && caller.RegionId == regionId,
        Roles.BranchManager or Roles.BranchSecretary => branchId is not null && caller.BranchId == branchId,
        _ => false,
    };
}
