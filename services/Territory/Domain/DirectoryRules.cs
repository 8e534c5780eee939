using System.Text.RegularExpressions;

namespace CustomerProtection.Territory.Domain;

/// <summary>
/// Pure checks of directory data: well-formed fields, where each role sits in the organisation,
/// and P-7. Functions of their arguments only; the use cases supply what is stored.
/// </summary>
public static partial class DirectoryRules
{
    public const int MaxNameLength = 100;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex IdPattern();

    public static readonly IReadOnlyList<string> BranchRoles = [Roles.Salesperson, Roles.BranchSecretary, Roles.BranchManager];
    public static readonly IReadOnlyList<string> RegionalRoles = [Roles.RegionalSecretary, Roles.RegionalManager];
    public static readonly IReadOnlyList<string> EmployeeRoles = [.. BranchRoles, .. RegionalRoles, Roles.Hq];

    public static bool IsKnownRole(string? role) => role is not null && EmployeeRoles.Contains(role);

    public static void CheckId(ICollection<FieldViolation> violations, string field, string? id, bool required = true)
    {
        if (string.IsNullOrEmpty(id))
        {
            if (required)
            {
                violations.Add(new(field, "必填 / required"));
            }
        }
        else if (!IdPattern().IsMatch(id))
        {
            violations.Add(new(field, "编号只能含字母、数字、_ . -，最长 64 / letters, digits, _ . - only, at most 64"));
        }
    }

    public static void CheckName(ICollection<FieldViolation> violations, string field, string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            violations.Add(new(field, "必填 / required"));
        }
        else if (name.Length > MaxNameLength)
        {
            violations.Add(new(field, $"最长 {MaxNameLength} 字 / at most {MaxNameLength} characters"));
        }
    }

    public static void CheckOneOf(ICollection<FieldViolation> violations, string field, string? value, IReadOnlyList<string> allowed)
    {
        if (value is null || !allowed.Contains(value))
        {
            violations.Add(new(field, $"必须是 {string.Join(", ", allowed)} 之一 / must be one of {string.Join(", ", allowed)}"));
        }
    }

    /// <summary>
    /// Where a role sits: branch roles in a branch (their region is the branch's), regional roles
    /// in a region without a branch, hq in neither. Returns the region the employee belongs to.
    /// </summary>
    public static string? PlaceEmployee(ICollection<FieldViolation> violations, string prefix, string role, string? branchId, string? regionId, Func<string, Branch?> branch)
    {
        if (BranchRoles.Contains(role))
        {
            if (string.IsNullOrEmpty(branchId))
            {
                violations.Add(new(prefix + "branch_id", $"角色 {role} 必须属于分公司 / role {role} needs a branch"));
                return null;
            }

            var home = branch(branchId);
            if (home is null)
            {
                violations.Add(new(prefix + "branch_id", $"分公司 {Echo.Prefix(branchId)} 不存在 / branch {Echo.Prefix(branchId)} does not exist"));
                return null;
            }

            if (!string.IsNullOrEmpty(regionId) && regionId != home.RegionId)
            {
                violations.Add(new(prefix + "region_id", $"与分公司所属大区 {home.RegionId} 不符 / differs from the branch's region {home.RegionId}"));
            }

            return home.RegionId;
        }

        if (!string.IsNullOrEmpty(branchId))
        {
            violations.Add(new(prefix + "branch_id", $"角色 {Echo.Prefix(role)} 不属于分公司 / role {Echo.Prefix(role)} has no branch"));
        }

        if (RegionalRoles.Contains(role))
        {
            if (string.IsNullOrEmpty(regionId))
            {
                violations.Add(new(prefix + "region_id", $"角色 {role} 必须属于大区 / role {role} needs a region"));
            }

            return regionId;
        }

        if (!string.IsNullOrEmpty(regionId))
        {
            violations.Add(new(prefix + "region_id", "总公司人员不属于大区 / hq staff have no region"));
        }

        return null;
    }

    public static void CheckManager(ICollection<FieldViolation> violations, string field, string employeeId, string? managerId, Func<string, Employee?> employee)
    {
        if (string.IsNullOrEmpty(managerId))
        {
            return;
        }

        if (managerId == employeeId)
        {
            violations.Add(new(field, "不能是自己的上级 / cannot manage oneself"));
            return;
        }

        var manager = employee(managerId);
        if (manager is null)
        {
            violations.Add(new(field, $"员工 {Echo.Prefix(managerId)} 不存在 / employee {Echo.Prefix(managerId)} does not exist"));
        }
        else if (manager.Status == EmployeeStatuses.Left)
        {
            violations.Add(new(field, $"员工 {Echo.Prefix(managerId)} 已离职 / employee {Echo.Prefix(managerId)} has left"));
        }
    }

    /// <summary>An import row's directory day (a hire date): yyyy-MM-dd from 1900 to 2199 (<see cref="Dates.Parse(ICollection{FieldViolation}, string, string?, bool)"/>).</summary>
    public static void CheckDate(ICollection<FieldViolation> violations, string field, string? text, out DateOnly? date) =>
        date = Dates.Parse(violations, field, text);

    /// <summary>
    /// P-7: where a region has a direct branch or office, only point-to-point dealers are appointed.
    /// Existing point-to-area dealers stay while they commit no violation (<see cref="DealerReviewRules"/>).
    /// </summary>
    public static PolicyRefusalException? CheckDealerAppointment(string dealerKind, string regionId, IEnumerable<Branch> branchesInRegion)
    {
        if (dealerKind != DealerKinds.PointToArea)
        {
            return null;
        }

        var direct = DirectBranches(branchesInRegion);
        if (direct.Count == 0)
        {
            return null;
        }

        return new PolicyRefusalException(
            "P-7",
            $"大区 {regionId} 已有直属分公司/办事处（{string.Join(", ", direct)}），只能设点对点经销商 / region {regionId} has a direct branch or office, only point-to-point dealers may be appointed",
            new Dictionary<string, string>
            {
                ["region_id"] = regionId,
                ["direct_branches"] = string.Join(",", direct),
                ["dealer_kind"] = dealerKind,
            });
    }

    /// <summary>P-7: the region's direct branches and offices, by id.</summary>
    public static IReadOnlyList<string> DirectBranches(IEnumerable<Branch> branchesInRegion) =>
        [.. branchesInRegion.Where(b => b.Direct).Select(b => b.Id).Order(StringComparer.Ordinal)];
}
