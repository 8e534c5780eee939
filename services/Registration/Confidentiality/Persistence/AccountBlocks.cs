using CustomerProtection.ServiceDefaults.Security;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Persistence;

/// <summary>
/// C-7 and C-9: the one record of whether an account may use the system — the incidents that froze it
/// and whether its employee left, one small set per account (<see cref="ConfidentialityKeys.Blocked"/>),
/// written in the same step as the incident or the departure. Registration reads it on each of its own
/// calls (one cheap read: the set is absent for everyone else); every other service asks it through
/// AccountAccess (<see cref="RegistrationAccountStates"/>).
/// </summary>
public sealed class AccountBlocks(IConnectionMultiplexer redis) : IAccountStates
{
    public async ValueTask<AccountState> GetAsync(string employeeId, CancellationToken cancellationToken)
    {
        var reasons = await redis.GetDatabase().SetMembersAsync(ConfidentialityKeys.Blocked(employeeId));
        if (reasons.Length == 0)
        {
            return AccountState.Active(employeeId);
        }

        var names = reasons.Select(r => (string)r!).ToList();
        var incidents = names.Where(r => r != ConfidentialityKeys.LeftMarker).Order(StringComparer.Ordinal).ToList();
        return new AccountState(employeeId, names.Contains(ConfidentialityKeys.LeftMarker), incidents);
    }
}
