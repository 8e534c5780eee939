using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Confidentiality.Application;

/// <summary>
/// C-5: who read or changed which customer's confidential data, when and why — by customer, by
/// employee and by period, paged; and the chain's own verification. hq sees everything; a branch
/// manager sees the entries of the branch's customers and of the branch's employees.
/// </summary>
public sealed class AuditQueries(AuditLog audit, CustomerStore customers, Organization organization)
{
    public async Task<AuditPage> QueryAsync(Caller caller, string? customerId, string? employeeId, DateTimeOffset? start, DateTimeOffset? end, int pageSize, string? pageToken)
    {
        var violations = new List<FieldViolation>();
        var customer = Id(violations, "customer_id", customerId);
        var employee = Id(violations, "employee_id", employeeId);
        if (start is not null && end is not null && end <= start)
        {
            violations.Add(new("to", "须晚于 from / must be after from"));
        }

        RequestValidationException.ThrowIfAny(violations);
        var size = PageSizes.Read(pageSize);
        if (!caller.IsHq && !await ManagerMaySeeAsync(caller, customer, employee))
        {
            throw new ScopeDeniedException("审计日志：总公司，或分公司经理查看本分公司的客户和员工 / the audit log: hq, or a branch manager for the branch's customers and employees");
        }

        return await audit.QueryAsync(customer, employee, start, end, size, pageToken);
    }

    /// <summary>hq: the first broken link of the chain, if any.</summary>
    public async Task<ChainVerification> VerifyAsync(Caller caller)
    {
        if (!caller.IsHq)
        {
            throw new ScopeDeniedException("只有总公司可以校验审计链 / only hq verifies the audit chain");
        }

        return await audit.VerifyAsync();
    }

    private async Task<bool> ManagerMaySeeAsync(Caller caller, string? customerId, string? employeeId)
    {
        if (caller.Role != Roles.BranchManager || caller.BranchId is null || (customerId is null && employeeId is null))
        {
            return false;
        }

        if (customerId is not null && (await customers.GetAsync(customerId))?.Value.BranchId != caller.BranchId)
        {
            return false;
        }

        return employeeId is null
            || ((await organization.EmployeeAsync(employeeId)) ?? await organization.DealerAsync(employeeId))?.BranchId == caller.BranchId;
    }

    private static string? Id(List<FieldViolation> violations, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (value.Length > 64)
        {
            violations.Add(new(field, "最长 64 / at most 64 characters"));
        }

        return value.Trim();
    }
}
