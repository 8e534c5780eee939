using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>What the directory's use cases (regions, branches, employees, dealers, the import) check alike: scopes, formats, existence.</summary>
public static class DirectoryChecks
{
    public static PolicyRefusalException AlreadyExists(string kind, string id) =>
        new("ALREADY_EXISTS", $"{kind} {id} 已存在 / {kind} {id} already exists", new Dictionary<string, string> { ["id"] = id }, RefusalCode.AlreadyExists);

    /// <summary>Regions are hq's.</summary>
    public static void AuthorizeRegions(Caller caller)
    {
        if (!DirectoryScopes.CanManageRegions(caller))
        {
            throw new ScopeDeniedException("只有总公司可以管理大区 / only hq manages regions");
        }
    }

    /// <summary>Branches are hq's, or their region's manager's.</summary>
    public static void AuthorizeBranch(Caller caller, string regionId)
    {
        if (!DirectoryScopes.CanManageBranch(caller, regionId))
        {
            throw new ScopeDeniedException($"无权管理大区 {regionId} 的分公司 / not allowed to manage branches of region {regionId}");
        }
    }

    /// <summary>A branch's manager, when named, is an employee who has not left.</summary>
    public static async Task CheckBranchManagerAsync(DirectoryStore store, string? managerId)
    {
        if (managerId is null)
        {
            return;
        }

        var manager = await store.GetEmployeeAsync(managerId);
        if (manager is null || manager.Value.Status == EmployeeStatuses.Left)
        {
            throw new RequestValidationException(new FieldViolation("manager_id", $"员工 {managerId} 不存在或已离职 / employee {managerId} does not exist or has left"));
        }
    }

    /// <summary>The caller may manage an employee of this role in this place (<see cref="DirectoryScopes.CanManageEmployee"/>).</summary>
    public static void AuthorizeEmployee(Caller caller, string role, string? branchId, string? regionId)
    {
        if (!DirectoryScopes.CanManageEmployee(caller, role, branchId, regionId))
        {
            throw new ScopeDeniedException($"无权管理该员工（角色 {role}）/ not allowed to manage this employee (role {role})");
        }
    }

    public static void CheckEmployeeFormat(List<FieldViolation> violations, string prefix, EmployeeInput input)
    {
        DirectoryRules.CheckId(violations, prefix + "id", input.Id);
        DirectoryRules.CheckName(violations, prefix + "name", input.Name);
        DirectoryRules.CheckOneOf(violations, prefix + "role", input.Role, DirectoryRules.EmployeeRoles);
        DirectoryRules.CheckId(violations, prefix + "branch_id", input.BranchId, required: false);
        DirectoryRules.CheckId(violations, prefix + "region_id", input.RegionId, required: false);
        DirectoryRules.CheckId(violations, prefix + "manager_id", input.ManagerId, required: false);
        CheckEmail(violations, prefix + "email", input.Email);
    }

    /// <summary>An employee's e-mail, where their notices go (docs/notifications.md): optional, one plain address.</summary>
    public static void CheckEmail(List<FieldViolation> violations, string field, string? email)
    {
        if (string.IsNullOrEmpty(email))
        {
            return;
        }

        if (email.Length > 254 || !System.Net.Mail.MailAddress.TryCreate(email, out var address) || address.Address != email || address.DisplayName.Length > 0)
        {
            violations.Add(new(field, "须为一个电子邮件地址 / must be one e-mail address (name@example.com)"));
        }
    }

    public static void CheckDealerFormat(List<FieldViolation> violations, string prefix, DealerInput input)
    {
        DirectoryRules.CheckId(violations, prefix + "id", input.Id);
        DirectoryRules.CheckName(violations, prefix + "name", input.Name);
        DirectoryRules.CheckId(violations, prefix + "branch_id", input.BranchId);
        DirectoryRules.CheckId(violations, prefix + "region_id", input.RegionId, required: false);
        DirectoryRules.CheckOneOf(violations, prefix + "kind", input.Kind, DealerKinds.All);
        DirectoryRules.CheckName(violations, prefix + "invoice_title", input.InvoiceTitle);
    }

    public static DateOnly ToDateOnly(NodaTime.LocalDate date) => new(date.Year, date.Month, date.Day);

    /// <summary>An empty string from the wire means "none".</summary>
    public static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
