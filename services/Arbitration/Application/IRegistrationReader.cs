using CustomerProtection.Arbitration.Domain;

namespace CustomerProtection.Arbitration.Application;

/// <summary>
/// What Arbitration reads from Registration at the moment it decides (architecture.md: services read
/// each other over gRPC only what they need then). Behind an interface so the rules are tested with
/// known answers; the real one is <c>Clients/RegistrationReader</c>.
/// </summary>
public interface IRegistrationReader
{
    /// <summary>The customer, or null when Registration does not know it.</summary>
    Task<CustomerFacts?> GetCustomerAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>M-2: the customer's progress records (the evidence of P-9.2 and of a trial milestone).</summary>
    Task<IReadOnlyList<ProgressFact>> ListProgressAsync(string customerId, CancellationToken cancellationToken);
}
