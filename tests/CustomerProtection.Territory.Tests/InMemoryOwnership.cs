using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;

namespace CustomerProtection.Territory.Tests;

/// <summary>Registration's answers, known in advance: the rules and the ledger are tested without Registration.</summary>
public sealed class InMemoryOwnership : IOwnershipLookup
{
    private readonly Dictionary<string, OwnershipFacts> _byKey = [];

    public int Calls { get; private set; }

    public void Set(OwnershipFacts facts) => _byKey[facts.IdentityKey] = facts;

    public Task<OwnershipFacts> GetAsync(ResolvedCustomer customer, CancellationToken cancellationToken)
    {
        Calls++;
        var key = customer.IdentityKey ?? throw new InvalidOperationException("the tests name customers by their invoice identity");
        return Task.FromResult(_byKey.GetValueOrDefault(key) ?? OwnershipFacts.NotFound(key));
    }
}
