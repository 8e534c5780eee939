using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>P-4.3: the agreements of a supporting branch or of a developer, for them and their managers.</summary>
public sealed class ListServiceSupport(SalesStore store)
{
    public async Task<IReadOnlyList<ServiceSupportAgreement>> ExecuteAsync(Caller caller, string? branchId, string? developerId)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "supporting_branch_id", branchId, required: false);
        DirectoryRules.CheckId(violations, "developer_id", developerId, required: false);
        if (string.IsNullOrEmpty(branchId) == string.IsNullOrEmpty(developerId))
        {
            violations.Add(new("supporting_branch_id", "给出 supporting_branch_id 或 developer_id 之一 / give supporting_branch_id or developer_id"));
        }

        RequestValidationException.ThrowIfAny(violations);
        var mine = developerId == caller.EmployeeId || (branchId is { Length: > 0 } && branchId == caller.BranchId);
        if (!mine && caller.Role is not (Roles.Hq or Roles.RegionalManager or Roles.BranchManager))
        {
            throw new ScopeDeniedException("只能查看自己或本分公司的协议 / only one's own or one's branch's agreements");
        }

        var index = string.IsNullOrEmpty(branchId) ? SalesKeys.SupportOfDeveloper(developerId!) : SalesKeys.SupportOfBranch(branchId);
        var ids = await store.OldestAsync(index, 0, PageSizes.Max);
        return [.. (await store.GetManyAsync<ServiceSupportAgreement>(SalesKeys.Support, ids)).Select(a => a.Value)];
    }
}
