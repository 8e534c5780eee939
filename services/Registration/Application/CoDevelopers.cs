using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Storage;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// P-3.6: protection covers the whole customer; others join only as co-developers with the owner's
/// consent (the owner adds and removes them; disputes go to the branch manager, who may remove).
/// </summary>
public sealed class CoDevelopers(CustomerWriter writer, Organization organization, PolicyClock clock)
{
    public const int MaxCoDevelopers = 10;

    public async Task<Versioned<Customer>> AddAsync(Caller caller, string customerId, string? employeeId)
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

            return Task.FromResult(Change(current, [.. customer.CoDevelopers ?? [], coDeveloper.Id], caller.EmployeeId));
        });
    }

    public async Task<Versioned<Customer>> RemoveAsync(Caller caller, string customerId, string? employeeId)
    {
        Lookup.RequireId(customerId);
        if (string.IsNullOrWhiteSpace(employeeId))
        {
            throw new RequestValidationException(new FieldViolation("employee_id", "必填 / required"));
        }

        return await writer.UpdateAsync(customerId, current =>
        {
            var customer = current.Value;
            if (caller.EmployeeId != customer.OwnerId && !RegistrationScopes.CanReallocate(caller, customer.BranchId))
            {
                throw new ScopeDeniedException("只有负责人或分公司经理可以移除合作开发人 / only the owner or the branch manager removes co-developers");
            }

            return Task.FromResult(customer.IsCoDeveloper(employeeId)
                ? Change(current, customer.CoDevelopers!.Where(c => c != employeeId).ToList(), caller.EmployeeId)
                : ((AtomicChange?)null, current));
        });
    }

    private (AtomicChange?, Versioned<Customer>) Change(Versioned<Customer> current, List<string> coDevelopers, string by)
    {
        var now = clock.Now;
        var at = now.ToDateTimeOffset();
        var customer = current.Value;
        var next = customer with { CoDevelopers = coDevelopers.Count == 0 ? null : coDevelopers };
        var change = writer.Change(current, next, now,
            [new(at, Changes.CoDevelopers, customer.Status, customer.OwnerId, customer.OwnerId, string.Join(",", coDevelopers), by)],
            [new CoDevelopersChanged(customer.Id, customer.OwnerId!, coDevelopers, by, at)]);
        return (change, new Versioned<Customer>(next, current.Version + 1));
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
