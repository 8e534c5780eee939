using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using static CustomerProtection.Registration.Application.CoDeveloperSteps;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// P-3.6: protection covers the whole customer; others join only as co-developers, added by the owner
/// of a protected customer (an active salesperson, at most <see cref="MaxCoDevelopers"/>).
/// </summary>
public sealed class AddCoDeveloper(CustomerWriter writer, Organization organization, PolicyClock clock)
{
    public const int MaxCoDevelopers = 10;

    public async Task<Versioned<Customer>> ExecuteAsync(Caller caller, string customerId, string? employeeId)
    {
        Lookup.RequireId(customerId);
        var coDeveloper = await RequireEmployeeAsync(employeeId);
        return await writer.UpdateAsync(customerId, current =>
        {
            var customer = current.Value;
            var state = clock.Evaluate(customer);
            if (caller.EmployeeId != state.OwnerOf(customer) || !state.ProtectedNow)
            {
                throw new ScopeDeniedException("只有受保护客户的负责人可以添加合作开发人 / only the owner of a protected customer adds co-developers");
            }

            if (coDeveloper.Id == customer.OwnerId || customer.IsCoDeveloper(coDeveloper.Id))
            {
                return Task.FromResult<(AtomicChange?, Versioned<Customer>)>((null, current));
            }

            if (!coDeveloper.IsActive || coDeveloper.Role != Roles.Salesperson)
            {
                throw new PolicyRefusalException("P-3.6", $"{coDeveloper.Id} 不是在职销售员 / {coDeveloper.Id} is not an active salesperson",
                    new Dictionary<string, string> { ["employeeId"] = coDeveloper.Id });
            }

            if ((customer.CoDevelopers?.Count ?? 0) >= MaxCoDevelopers)
            {
                throw new RequestValidationException(new FieldViolation("employee_id", $"最多 {MaxCoDevelopers} 名合作开发人 / at most {MaxCoDevelopers} co-developers"));
            }

            return Task.FromResult(Change(writer, clock, current, [.. customer.CoDevelopers ?? [], coDeveloper.Id], caller.EmployeeId));
        });
    }

    private async Task<Person> RequireEmployeeAsync(string? employeeId)
    {
        if (string.IsNullOrWhiteSpace(employeeId) || employeeId.Length > 64)
        {
            throw new RequestValidationException(new FieldViolation("employee_id", "必填，最长 64 / required, at most 64 characters"));
        }

        return await organization.EmployeeAsync(employeeId) ?? throw new EntityNotFoundException("employee", employeeId);
    }
}
