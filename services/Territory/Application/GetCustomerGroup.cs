using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>P-4.4: the group a customer belongs to, as parent or subsidiary, with every member (no deal terms: anyone may read it).</summary>
public sealed class GetCustomerGroup(SalesStore store)
{
    public async Task<Versioned<CustomerGroup>> ExecuteAsync(CustomerRef? customer)
    {
        var violations = new List<FieldViolation>();
        var resolved = GroupInputs.Identity(violations, "", customer);
        RequestValidationException.ThrowIfAny(violations);
        return await store.GroupOfAsync(resolved.IdentityKey!) ?? throw new EntityNotFoundException("group", resolved.IdentityKey!);
    }
}
