using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>A cross-region filing, for those it concerns: hq, both regions' secretaries and managers, the requester's branch managers, the requester.</summary>
public sealed class GetCrossRegionFiling(SalesStore store)
{
    public async Task<Versioned<CrossRegionFiling>> ExecuteAsync(Caller caller, string id)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", id);
        RequestValidationException.ThrowIfAny(violations);
        var filing = await store.GetAsync<CrossRegionFiling>(SalesKeys.Filing, id) ?? throw new EntityNotFoundException("cross_region_request", id);
        if (!MaySee(caller, filing.Value))
        {
            throw new ScopeDeniedException($"无权查看跨区域销售申请 {id} / not allowed to see cross-region request {id}");
        }

        return filing;
    }

    private static bool MaySee(Caller caller, CrossRegionFiling filing) => caller.Role switch
    {
        Roles.Hq => true,
        Roles.RegionalSecretary or Roles.RegionalManager => caller.RegionId == filing.TargetRegionId || caller.RegionId == filing.RequesterRegionId,
        Roles.BranchManager or Roles.BranchSecretary => caller.BranchId == filing.RequesterBranchId,
        _ => caller.EmployeeId == filing.RequesterId,
    };
}
