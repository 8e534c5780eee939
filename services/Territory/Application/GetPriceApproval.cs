using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>A below-floor request, for hq, its requester and managers.</summary>
public sealed class GetPriceApproval(SalesStore store)
{
    public async Task<Versioned<PriceApproval>> ExecuteAsync(Caller caller, string id)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", id);
        RequestValidationException.ThrowIfAny(violations);
        var approval = await store.GetAsync<PriceApproval>(SalesKeys.PriceApproval, id) ?? throw new EntityNotFoundException("price approval", id);
        if (!caller.IsHq && caller.EmployeeId != approval.Value.SellerId && caller.Role is not (Roles.RegionalManager or Roles.BranchManager))
        {
            throw new ScopeDeniedException($"无权查看申请 {id} / not allowed to see request {id}");
        }

        return approval;
    }
}
