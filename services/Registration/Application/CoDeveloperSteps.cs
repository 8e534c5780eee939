using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Application;

/// <summary>What adding and removing co-developers share: the new list as one change, with its history entry and event.</summary>
public static class CoDeveloperSteps
{
    public static (AtomicChange?, Versioned<Customer>) Change(CustomerWriter writer, PolicyClock clock, Versioned<Customer> current, List<string> coDevelopers, string by)
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
}
