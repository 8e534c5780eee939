using CustomerProtection.Contracts.Organization;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>Changes an employee (name, role, place, manager, status, e-mail), within the caller's scope both where they are and where they go.</summary>
public sealed class ChangeEmployee(DirectoryStore store, PolicyClock clock)
{
    public async Task<Versioned<Employee>> ExecuteAsync(Caller caller, EmployeeUpdate update)
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
        DirectoryChecks.CheckEmail(violations, "email", update.Email);
        RequestValidationException.ThrowIfAny(violations);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var old = await store.GetEmployeeAsync(update.Id) ?? throw new EntityNotFoundException("employee", update.Id);
            DirectoryChecks.AuthorizeEmployee(caller, old.Value.Role, old.Value.BranchId, old.Value.RegionId);
            OptimisticConcurrency.ExpectVersion(update.ExpectedVersion, old.Version, $"employee {update.Id}");
            if (old.Value.Status == EmployeeStatuses.Left)
            {
                throw new PolicyRefusalException("P-12", $"员工 {update.Id} 已离职，不能修改 / employee {update.Id} has left and cannot be changed",
                    new Dictionary<string, string> { ["employee_id"] = update.Id, ["left_on"] = old.Value.LeftOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "" });
            }

            var role = update.Role ?? old.Value.Role;
            var branchId = update.BranchId is null ? old.Value.BranchId : DirectoryChecks.NullIfEmpty(update.BranchId);
            var regionId = update.RegionId is null ? (update.BranchId is null ? old.Value.RegionId : null) : DirectoryChecks.NullIfEmpty(update.RegionId);
            var branch = branchId is null ? null : (await store.GetBranchAsync(branchId))?.Value;
            var region = DirectoryRules.PlaceEmployee(violations, "", role, branchId, regionId, _ => branch);
            var managerId = update.ManagerId is null ? old.Value.ManagerId : DirectoryChecks.NullIfEmpty(update.ManagerId);
            var manager = managerId is null ? null : (await store.GetEmployeeAsync(managerId))?.Value;
            DirectoryRules.CheckManager(violations, "manager_id", update.Id, managerId, _ => manager);
            RequestValidationException.ThrowIfAny(violations);
            // Moving someone is allowed only into a place the caller also manages.
            DirectoryChecks.AuthorizeEmployee(caller, role, branchId, region);

            var next = old.Value with
            {
                Name = update.Name?.Trim() ?? old.Value.Name,
                Role = role,
                BranchId = branchId,
                RegionId = region,
                ManagerId = managerId,
                Status = update.Status ?? old.Value.Status,
                Email = update.Email is null ? old.Value.Email : DirectoryChecks.NullIfEmpty(update.Email),
            };
            if (next == old.Value)
            {
                return (ChangeResult.Applied, old);
            }

            var at = clock.UtcNow;
            return (await store.CommitAsync(DirectoryChanges.Employee(old, next, (s, v) => new EmployeeChanged(s, v, at))), new Versioned<Employee>(next, old.Version + 1));
        });
    }
}
