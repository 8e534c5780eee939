using CustomerProtection.Contracts.Organization;
using CustomerProtection.Contracts.Penalty;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>
/// Records an employee's departure, within the caller's scope, or hq's dismissal in a serious case
/// (P-8.3, from Penalty's SeriousCaseDeclared); publishes EmployeeLeft (P-12, C-9).
/// </summary>
public sealed class RecordEmployeeLeft(DirectoryStore store, PolicyClock clock)
{
    public async Task<Versioned<Employee>> ExecuteAsync(Caller caller, string id, Google.Type.Date? leftOn, string? reason)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", id);
        var leftDate = Dates.Parse(violations, "left_on", leftOn);
        if (reason?.Length > 500)
        {
            violations.Add(new("reason", "最长 500 字 / at most 500 characters"));
        }

        RequestValidationException.ThrowIfAny(violations);

        return await LeaveAsync(id, leftDate ?? clock.TodayDate, reason, old => DirectoryChecks.AuthorizeEmployee(caller, old.Role, old.BranchId, old.RegionId))
            ?? throw new EntityNotFoundException("employee", id);
    }

    /// <summary>
    /// P-8.3: hq dismissed the violator; they leave on the day of the declaration. The declaration was
    /// hq's, so no caller scope applies here. Idempotent: a redelivered event finds them gone already.
    /// </summary>
    public async Task DismissAsync(SeriousCaseDeclared declared)
    {
        if (!declared.Dismissal || declared.Role == Roles.Dealer)
        {
            return;
        }

        var on = PolicyTime.DateOf(NodaTime.Instant.FromDateTimeOffset(declared.OccurredAt));
        var reason = $"P-8.3 辞退（违规 {declared.ViolationId}）/ dismissed in a serious case (violation {declared.ViolationId}): {declared.Reason}";
        await LeaveAsync(declared.EmployeeId, new DateOnly(on.Year, on.Month, on.Day), reason[..Math.Min(reason.Length, 500)], _ => { });
    }

    /// <summary>The departure itself: null when there is no such employee; recording it twice changes nothing and publishes nothing.</summary>
    private Task<Versioned<Employee>?> LeaveAsync(string id, DateOnly leftOn, string? reason, Action<Employee> authorize) =>
        OptimisticConcurrency.RetryAsync(async () =>
        {
            if (await store.GetEmployeeAsync(id) is not { } old)
            {
                return (ChangeResult.Applied, (Versioned<Employee>?)null);
            }

            authorize(old.Value);
            if (old.Value.Status == EmployeeStatuses.Left)
            {
                return (ChangeResult.Applied, old);
            }

            var next = old.Value with { Status = EmployeeStatuses.Left, LeftOn = leftOn };
            var at = clock.UtcNow;
            return (await store.CommitAsync(DirectoryChanges.Employee(old, next, (s, v) => new EmployeeLeft(s, reason, v, at))), new Versioned<Employee>(next, old.Version + 1));
        });
}
