using CustomerProtection.Contracts.Organization;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>Hires an employee, within the caller's scope (<see cref="DirectoryScopes"/>); publishes EmployeeJoined.</summary>
public sealed class HireEmployee(DirectoryStore store, PolicyClock clock)
{
    public async Task<Versioned<Employee>> ExecuteAsync(Caller caller, EmployeeInput input, Google.Type.Date? hireDate)
    {
        var violations = new List<FieldViolation>();
        DirectoryChecks.CheckEmployeeFormat(violations, "", input);
        var hired = Dates.Parse(violations, "hire_date", hireDate);
        RequestValidationException.ThrowIfAny(violations);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var branch = string.IsNullOrEmpty(input.BranchId) ? null : (await store.GetBranchAsync(input.BranchId))?.Value;
            var region = DirectoryRules.PlaceEmployee(violations, "", input.Role, input.BranchId, input.RegionId, _ => branch);
            RequestValidationException.ThrowIfAny(violations);
            DirectoryChecks.AuthorizeEmployee(caller, input.Role, input.BranchId, region);
            if (!string.IsNullOrEmpty(region) && await store.GetRegionAsync(region) is null)
            {
                throw new RequestValidationException(new FieldViolation("region_id", $"大区 {region} 不存在 / region {region} does not exist"));
            }

            var manager = string.IsNullOrEmpty(input.ManagerId) ? null : (await store.GetEmployeeAsync(input.ManagerId))?.Value;
            DirectoryRules.CheckManager(violations, "manager_id", input.Id, input.ManagerId, _ => manager);
            RequestValidationException.ThrowIfAny(violations);
            if (await store.GetEmployeeAsync(input.Id) is not null)
            {
                throw DirectoryChecks.AlreadyExists("employee", input.Id);
            }

            var employee = new Employee(input.Id, input.Name.Trim(), input.Role, DirectoryChecks.NullIfEmpty(input.BranchId), region, DirectoryChecks.NullIfEmpty(input.ManagerId),
                EmployeeStatuses.Active, hired ?? clock.TodayDate, null, DirectoryChecks.NullIfEmpty(input.Email));
            var at = clock.UtcNow;
            return (await store.CommitAsync(DirectoryChanges.Employee(null, employee, (s, v) => new EmployeeJoined(s, v, at))), new Versioned<Employee>(employee, 1));
        });
    }
}
