using CustomerProtection.Policy.Errors;

namespace CustomerProtection.ServiceDefaults.Security;

/// <summary>
/// C-7 and C-9: whether an account may still use the system. A token stays valid until it expires (cpctl
/// mints up to 30 days), so every call of every service asks the account's state (<see cref="AccountAccessInterceptor"/>),
/// whatever the token says. Registration keeps the one record: an incident freezes an account (C-7), a
/// departure ends it (C-9).
/// </summary>
public sealed record AccountState(string EmployeeId, bool Left, IReadOnlyList<string> FrozenBy)
{
    public static AccountState Active(string employeeId) => new(employeeId, false, []);

    public bool IsActive => !Left && FrozenBy.Count == 0;

    /// <summary>
    /// Refuses a frozen or departed account with PermissionDenied and the rule. A freeze is named first:
    /// the incident is what hq must resolve, and it lists the incidents to look at.
    /// </summary>
    public void RequireActive()
    {
        if (FrozenBy.Count > 0)
        {
            var incidents = string.Join(", ", FrozenBy);
            throw new PolicyRefusalException("C-7",
                $"账号 {EmployeeId} 因泄露事件 {incidents} 被冻结 / account {EmployeeId} is frozen by incident {incidents}",
                new Dictionary<string, string> { ["employeeId"] = EmployeeId, ["incidentIds"] = string.Join(",", FrozenBy) },
                RefusalCode.PermissionDenied);
        }

        if (Left)
        {
            throw new PolicyRefusalException("C-9",
                $"{EmployeeId} 已离职，不能再使用本系统 / {EmployeeId} has left: no more access",
                new Dictionary<string, string> { ["employeeId"] = EmployeeId },
                RefusalCode.PermissionDenied);
        }
    }
}

/// <summary>Where a service learns an account's state: Registration reads its own record, every other service asks Registration.</summary>
public interface IAccountStates
{
    ValueTask<AccountState> GetAsync(string employeeId, CancellationToken cancellationToken);
}
