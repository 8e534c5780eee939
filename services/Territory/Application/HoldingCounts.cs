using CustomerProtection.Territory.Domain;

namespace CustomerProtection.Territory.Application;

/// <summary>
/// how many protected customers each salesperson holds. Registration owns holdings; the round
/// robin asks at the moment it assigns (<c>Clients/RegistrationHoldingCounts</c>).
/// </summary>
public interface IHoldingCounts
{
    /// <param name="countFormalCustomers">X-1 parameter: whether formal customers count toward the cap.</param>
    /// <returns>Per salesperson id, the customers that count toward the X-1 cap.</returns>
    Task<IReadOnlyDictionary<string, int>> CountAsync(IReadOnlyCollection<Employee> salespeople, bool countFormalCustomers, CancellationToken cancellationToken);
}
