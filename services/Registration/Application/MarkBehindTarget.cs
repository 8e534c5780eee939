using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Application;

/// <summary>P-12: the branch manager marks the salespeople behind their targets; the pool serves them first.</summary>
public sealed class MarkBehindTarget(CustomerStore store, Organization organization)
{
    public async Task<bool> ExecuteAsync(Caller caller, string? employeeId, bool behindTarget)
    {
        if (string.IsNullOrWhiteSpace(employeeId) || employeeId.Length > 64)
        {
            throw new RequestValidationException(new FieldViolation("employee_id", "必填，最长 64 / required, at most 64 characters"));
        }

        var employee = await organization.EmployeeAsync(employeeId) ?? throw new EntityNotFoundException("employee", employeeId);
        if (!RegistrationScopes.CanReallocate(caller, employee.BranchId))
        {
            throw new ScopeDeniedException($"只有 {employee.BranchId} 的经理可以设置 / only the manager of {employee.BranchId} sets this");
        }

        var key = RegistrationKeys.BehindTarget(employee.BranchId);
        _ = behindTarget ? await store.Db.SetAddAsync(key, employee.Id) : await store.Db.SetRemoveAsync(key, employee.Id);
        return behindTarget;
    }
}
