using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Persistence;

/// <summary>
/// C-7 and C-9 at the door: an account frozen by an incident, or of an employee who left, gets no
/// customer data, whatever its token says. One small set per account (<see cref="ConfidentialityKeys.Blocked"/>),
/// read on every customer-data call: absent for everyone else, so the check is one cheap read.
/// </summary>
public sealed class AccountBlocks(IConnectionMultiplexer redis)
{
    public async Task RequireAllowedAsync(Caller caller)
    {
        var reasons = await redis.GetDatabase().SetMembersAsync(ConfidentialityKeys.Blocked(caller.EmployeeId));
        if (reasons.Length == 0)
        {
            return;
        }

        var incidents = reasons.Select(r => (string)r!).Where(r => r != ConfidentialityKeys.LeftMarker).Order(StringComparer.Ordinal).ToList();
        if (incidents.Count == 0)
        {
            throw new PolicyRefusalException("C-9",
                $"{caller.EmployeeId} 已离职，不能再访问客户数据 / {caller.EmployeeId} has left: no more access to customer data",
                new Dictionary<string, string> { ["employeeId"] = caller.EmployeeId },
                RefusalCode.PermissionDenied);
        }

        throw new PolicyRefusalException("C-7",
            $"账号 {caller.EmployeeId} 因泄露事件 {string.Join(", ", incidents)} 被冻结 / account {caller.EmployeeId} is frozen by incident {string.Join(", ", incidents)}",
            new Dictionary<string, string> { ["employeeId"] = caller.EmployeeId, ["incidentIds"] = string.Join(",", incidents) },
            RefusalCode.PermissionDenied);
    }
}
