using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Application;

/// <summary>The holdings of a branch's salespeople and the X-1 cap they were measured against.</summary>
public sealed record BranchHoldings(string BranchId, int HoldingCap, bool FormalCustomersCount, IReadOnlyList<Holding> Holdings);

/// <summary>
/// P-11: how many customers each salesperson of a branch holds now, for Territory's round
/// robin (it skips those at the cap). The counts come from the owners' indexes, kept in the same atomic
/// steps as the customers and scored by the end of protection, so "now" needs no job and no scan: two
/// ZCOUNTs per person, all in one round trip. For the branch's staff and regional roles, and hq.
/// </summary>
public sealed class CountHoldings(CustomerStore store, Organization organization, PolicyClock clock)
{
    public const int MaxEmployees = 1000;

    public async Task<BranchHoldings> ExecuteAsync(Caller caller, string? branchId, IReadOnlyList<string> employeeIds)
    {
        var violations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(branchId) || branchId.Length > 64)
        {
            violations.Add(new("branch_id", "必填，最长 64 / required, at most 64 characters"));
        }

        if (employeeIds.Count > MaxEmployees)
        {
            violations.Add(new("employee_ids", $"最多 {MaxEmployees} 人 / at most {MaxEmployees}"));
        }

        for (var i = 0; i < Math.Min(employeeIds.Count, MaxEmployees); i++)
        {
            if (string.IsNullOrWhiteSpace(employeeIds[i]) || employeeIds[i].Length > 64)
            {
                violations.Add(new($"employee_ids[{i}]", "必填，最长 64 / required, at most 64 characters"));
            }
        }

        RequestValidationException.ThrowIfAny(violations);
        var branch = await organization.BranchAsync(branchId!) ?? throw new EntityNotFoundException("branch", branchId!);
        if (!RegistrationScopes.CanReadBranch(caller, branch.BranchId, branch.RegionId))
        {
            throw new ScopeDeniedException($"无权查看分公司 {branchId} 的保有量 / not allowed to see the holdings of {branchId}");
        }

        var people = employeeIds.Count == 0 ? await organization.SalespeopleAsync(branch.BranchId) : await AskedAsync(branch.BranchId, employeeIds);
        var now = clock.Now;
        var parameters = clock.On(clock.Today);
        var counts = await store.HoldingsAsync([.. people.Select(p => p.Id)], now.ToUnixTimeMilliseconds());
        return new BranchHoldings(branch.BranchId, parameters.HoldingCap, parameters.HoldingCapCountsFormalCustomers,
            [.. people.Zip(counts, (person, count) => HoldingRules.Of(person.Id, count.PendingOrProtected, count.Protected, count.Formal, parameters))]);
    }

    /// <summary>The employees asked for, each of the branch (a branch's holdings are its own people's).</summary>
    private async Task<IReadOnlyList<Person>> AskedAsync(string branchId, IReadOnlyList<string> employeeIds)
    {
        var people = await organization.EmployeesAsync(employeeIds);
        var violations = new List<FieldViolation>();
        for (var i = 0; i < people.Count; i++)
        {
            if (people[i]?.BranchId != branchId)
            {
                violations.Add(new($"employee_ids[{i}]", $"{employeeIds[i]} 不是 {branchId} 的员工 / {employeeIds[i]} is not an employee of {branchId}"));
            }
        }

        RequestValidationException.ThrowIfAny(violations);
        return [.. people.Select(p => p!)];
    }
}
