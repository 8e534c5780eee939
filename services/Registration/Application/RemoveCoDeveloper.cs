using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using static CustomerProtection.Registration.Application.CoDeveloperSteps;

namespace CustomerProtection.Registration.Application;

/// <summary>P-3.6: the owner, or in a dispute the branch manager, removes a co-developer.</summary>
public sealed class RemoveCoDeveloper(CustomerWriter writer, PolicyClock clock)
{
    public async Task<Versioned<Customer>> ExecuteAsync(Caller caller, string customerId, string? employeeId)
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
                ? Change(writer, clock, current, customer.CoDevelopers!.Where(c => c != employeeId).ToList(), caller.EmployeeId)
                : ((AtomicChange?)null, current));
        });
    }
}
