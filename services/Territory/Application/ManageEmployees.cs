using CustomerProtection.Contracts.Organization;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>
/// Hire, change and record the departure of employees, each within the caller's scope
/// (<see cref="DirectoryScopes"/>). A departure publishes EmployeeLeft (P-12, C-9).
/// </summary>
public sealed class ManageEmployees(DirectoryStore store, TimeProvider time)
{
    public async Task<Versioned<Employee>> CreateAsync(Caller caller, EmployeeInput input)
    {
        var violations = new List<FieldViolation>();
        CheckFormat(violations, "", input);
        DirectoryRules.CheckDate(violations, "hire_date", input.HireDate, out var hireDate);
        RequestValidationException.ThrowIfAny(violations);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var branch = string.IsNullOrEmpty(input.BranchId) ? null : (await store.GetBranchAsync(input.BranchId))?.Value;
            var region = DirectoryRules.PlaceEmployee(violations, "", input.Role, input.BranchId, input.RegionId, _ => branch);
            RequestValidationException.ThrowIfAny(violations);
            Authorize(caller, input.Role, input.BranchId, region);
            if (!string.IsNullOrEmpty(region) && await store.GetRegionAsync(region) is null)
            {
                throw new RequestValidationException(new FieldViolation("region_id", $"大区 {region} 不存在 / region {region} does not exist"));
            }

            var manager = string.IsNullOrEmpty(input.ManagerId) ? null : (await store.GetEmployeeAsync(input.ManagerId))?.Value;
            DirectoryRules.CheckManager(violations, "manager_id", input.Id, input.ManagerId, _ => manager);
            RequestValidationException.ThrowIfAny(violations);
            if (await store.GetEmployeeAsync(input.Id) is not null)
            {
                throw ManageRegions.AlreadyExists("employee", input.Id);
            }

            var employee = new Employee(input.Id, input.Name.Trim(), input.Role, NullIfEmpty(input.BranchId), region, NullIfEmpty(input.ManagerId),
                EmployeeStatuses.Active, hireDate ?? ToDateOnly(PolicyTime.Today(time)), null);
            var at = time.GetUtcNow();
            return (await store.CommitAsync(DirectoryChanges.Employee(null, employee, (s, v) => new EmployeeJoined(s, v, at))), new Versioned<Employee>(employee, 1));
        });
    }

    public async Task<Versioned<Employee>> UpdateAsync(Caller caller, EmployeeUpdate update)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", update.Id);
        if (update.Name is not null)
        {
            DirectoryRules.CheckName(violations, "name", update.Name);
        }

        if (update.Role is not null)
        {
            DirectoryRules.CheckOneOf(violations, "role", update.Role, DirectoryRules.EmployeeRoles);
        }

        if (update.Status is not null)
        {
            DirectoryRules.CheckOneOf(violations, "status", update.Status, [EmployeeStatuses.Active, EmployeeStatuses.OnLeave]);
        }

        DirectoryRules.CheckId(violations, "manager_id", update.ManagerId, required: false);
        RequestValidationException.ThrowIfAny(violations);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var old = await store.GetEmployeeAsync(update.Id) ?? throw new EntityNotFoundException("employee", update.Id);
            Authorize(caller, old.Value.Role, old.Value.BranchId, old.Value.RegionId);
            OptimisticConcurrency.ExpectVersion(update.ExpectedVersion, old.Version, $"employee {update.Id}");
            if (old.Value.Status == EmployeeStatuses.Left)
            {
                throw new PolicyRefusalException("P-12", $"员工 {update.Id} 已离职，不能修改 / employee {update.Id} has left and cannot be changed",
                    new Dictionary<string, string> { ["employee_id"] = update.Id, ["left_on"] = old.Value.LeftOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "" });
            }

            var role = update.Role ?? old.Value.Role;
            var branchId = update.BranchId is null ? old.Value.BranchId : NullIfEmpty(update.BranchId);
            var regionId = update.RegionId is null ? (update.BranchId is null ? old.Value.RegionId : null) : NullIfEmpty(update.RegionId);
            var branch = branchId is null ? null : (await store.GetBranchAsync(branchId))?.Value;
            var region = DirectoryRules.PlaceEmployee(violations, "", role, branchId, regionId, _ => branch);
            var managerId = update.ManagerId is null ? old.Value.ManagerId : NullIfEmpty(update.ManagerId);
            var manager = managerId is null ? null : (await store.GetEmployeeAsync(managerId))?.Value;
            DirectoryRules.CheckManager(violations, "manager_id", update.Id, managerId, _ => manager);
            RequestValidationException.ThrowIfAny(violations);
            // Moving someone is allowed only into a place the caller also manages.
            Authorize(caller, role, branchId, region);

            var next = old.Value with
            {
                Name = update.Name?.Trim() ?? old.Value.Name,
                Role = role,
                BranchId = branchId,
                RegionId = region,
                ManagerId = managerId,
                Status = update.Status ?? old.Value.Status,
            };
            if (next == old.Value)
            {
                return (ChangeResult.Applied, old);
            }

            var at = time.GetUtcNow();
            return (await store.CommitAsync(DirectoryChanges.Employee(old, next, (s, v) => new EmployeeChanged(s, v, at))), new Versioned<Employee>(next, old.Version + 1));
        });
    }

    public async Task<Versioned<Employee>> RecordLeftAsync(Caller caller, string id, string? leftOn, string? reason)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", id);
        DirectoryRules.CheckDate(violations, "left_on", leftOn, out var leftDate);
        if (reason?.Length > 500)
        {
            violations.Add(new("reason", "最长 500 字 / at most 500 characters"));
        }

        RequestValidationException.ThrowIfAny(violations);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var old = await store.GetEmployeeAsync(id) ?? throw new EntityNotFoundException("employee", id);
            Authorize(caller, old.Value.Role, old.Value.BranchId, old.Value.RegionId);
            if (old.Value.Status == EmployeeStatuses.Left)
            {
                // Recording a departure twice changes nothing and publishes nothing.
                return (ChangeResult.Applied, old);
            }

            var next = old.Value with { Status = EmployeeStatuses.Left, LeftOn = leftDate ?? ToDateOnly(PolicyTime.Today(time)) };
            var at = time.GetUtcNow();
            return (await store.CommitAsync(DirectoryChanges.Employee(old, next, (s, v) => new EmployeeLeft(s, reason, v, at))), new Versioned<Employee>(next, old.Version + 1));
        });
    }

    internal static void CheckFormat(List<FieldViolation> violations, string prefix, EmployeeInput input)
    {
        DirectoryRules.CheckId(violations, prefix + "id", input.Id);
        DirectoryRules.CheckName(violations, prefix + "name", input.Name);
        DirectoryRules.CheckOneOf(violations, prefix + "role", input.Role, DirectoryRules.EmployeeRoles);
        DirectoryRules.CheckId(violations, prefix + "branch_id", input.BranchId, required: false);
        DirectoryRules.CheckId(violations, prefix + "region_id", input.RegionId, required: false);
        DirectoryRules.CheckId(violations, prefix + "manager_id", input.ManagerId, required: false);
    }

    private static void Authorize(Caller caller, string role, string? branchId, string? regionId)
    {
        if (!DirectoryScopes.CanManageEmployee(caller, role, branchId, regionId))
        {
            throw new ScopeDeniedException($"无权管理该员工（角色 {role}）/ not allowed to manage this employee (role {role})");
        }
    }

    internal static DateOnly ToDateOnly(NodaTime.LocalDate date) => new(date.Year, date.Month, date.Day);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
