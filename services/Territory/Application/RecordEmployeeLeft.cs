using CustomerProtection.Contracts.Organization;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>Records an employee's departure, within the caller's scope; publishes EmployeeLeft (P-12, C-9).</summary>
public sealed class RecordEmployeeLeft(DirectoryStore store, PolicyClock clock)
{
    public async Task<Versioned<Employee>> ExecuteAsync(Caller caller, string id, string? leftOn, string? reason)
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
            DirectoryChecks.AuthorizeEmployee(caller, old.Value.Role, old.Value.BranchId, old.Value.RegionId);
            if (old.Value.Status == EmployeeStatuses.Left)
            {
                // Recording a departure twice changes nothing and publishes nothing.
                return (ChangeResult.Applied, old);
            }

            var next = old.Value with { Status = EmployeeStatuses.Left, LeftOn = leftDate ?? clock.TodayDate };
            var at = clock.UtcNow;
            return (await store.CommitAsync(DirectoryChanges.Employee(old, next, (s, v) => new EmployeeLeft(s, reason, v, at))), new Versioned<Employee>(next, old.Version + 1));
        });
    }
}
