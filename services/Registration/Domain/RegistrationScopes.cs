
namespace CustomerProtection.Registration.Domain;

/// <summary>
/// Who may do what with customers. Identity comes from the token (Caller); a branch role acts
/// within its own branch, hq everywhere. Pure functions: the use cases raise ScopeDeniedException.
/// </summary>
public static class RegistrationScopes
{
    public static bool IsBranchStaff(Caller caller, string branchId) =>
        caller.Role is Roles.BranchSecretary or Roles.BranchManager && caller.BranchId == branchId;

    /// <summary>P-2.1: salespeople and dealers file customers.</summary>
    public static bool CanFile(Caller caller) => caller.Role is Roles.Salesperson or Roles.Dealer;

    /// <summary>P-2.1: the branch secretary approves filings (hq may too).</summary>
    public static bool CanDecideFiling(Caller caller, string branchId) =>
        caller.IsHq || (caller.Role == Roles.BranchSecretary && caller.BranchId == branchId);

    /// <summary>P-3.3: extensions are approved by the manager or the secretary.</summary>
    public static bool CanDecideExtension(Caller caller, string branchId) => caller.IsHq || IsBranchStaff(caller, branchId);

    /// <summary>P-6: a branch's refused dealer filings are for its branch manager (and hq).</summary>
    public static bool CanSeeRefusedDealerFilings(Caller caller, string branchId) =>
        caller.IsHq || (caller.Role == Roles.BranchManager && caller.BranchId == branchId);

    /// <summary>P-13: the branch manager has the final say on reallocation (and sets who is behind target, P-12).</summary>
    public static bool CanReallocate(Caller caller, string branchId) =>
        caller.IsHq || (caller.Role == Roles.BranchManager && caller.BranchId == branchId);

    /// <summary>A branch's lists (customers, pending filings, pool, export): its staff, hq, and the regional roles of its region.</summary>
    public static bool CanReadBranch(Caller caller, string branchId, string? regionId) =>
        caller.IsHq
        || IsBranchStaff(caller, branchId)
        || (caller.Role is Roles.RegionalManager or Roles.RegionalSecretary && regionId is not null && caller.RegionId == regionId);

    /// <summary>The pool and announcements are for the branch's salespeople too (P-12, P-2.2).</summary>
    public static bool CanSeeBranchPool(Caller caller, string branchId, string? regionId) =>
        CanReadBranch(caller, branchId, regionId) || (caller.Role == Roles.Salesperson && caller.BranchId == branchId);

    /// <summary>X-7: the branch's staff or hq import a branch's list.</summary>
    public static bool CanImport(Caller caller, string branchId) => caller.IsHq || IsBranchStaff(caller, branchId);

    /// <summary>A customer's details and history: the people C-2 names, the branch's staff and regional roles.</summary>
    public static bool CanReadCustomer(Caller caller, Customer customer) =>
        caller.EmployeeId == customer.OwnerId
        || customer.IsCoDeveloper(caller.EmployeeId)
        || caller.EmployeeId == customer.FiledBy
        || CanReadBranch(caller, customer.BranchId, customer.RegionId);

    /// <summary>M-2: the owner and co-developers record progress.</summary>
    public static bool IsOwnerOrCoDeveloper(Caller caller, Customer customer) =>
        caller.EmployeeId == customer.OwnerId || customer.IsCoDeveloper(caller.EmployeeId);

    /// <summary>
    /// M-2, P-2.4(b): the owner and co-developers record any progress; the claimant of the open
    /// ownership case may record a trial too — a surpassing claim promising a trial can only be met
    /// by the claimant's own trial record (Arbitration counts those dated from the claim's day to its
    /// date). Registration does not see when a claim starts, so the claimant may do it while the case
    /// is open; a trial recorded before the claim does not count for it.
    /// </summary>
    public static bool CanRecordProgress(Caller caller, Customer customer, string kind) =>
        IsOwnerOrCoDeveloper(caller, customer)
        || (kind == ProgressKinds.Trial && customer.OpenCaseId is not null && caller.EmployeeId == customer.CaseClaimantId);
}
