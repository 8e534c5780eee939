using CustomerProtection.Territory.Domain;

namespace CustomerProtection.Territory.Application;

/// <summary>
/// Who owns a customer: Registration's answer (architecture.md: Territory asks Registration before a
/// sale). Behind an interface so the rules can be tested with known answers; the real one is a gRPC
/// call made on the caller's behalf (<c>Clients/RegistrationOwnershipLookup</c>).
/// </summary>
public interface IOwnershipLookup
{
    Task<OwnershipFacts> GetAsync(ResolvedCustomer customer, CancellationToken cancellationToken);
}
