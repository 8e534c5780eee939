using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Confidentiality.Persistence;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Confidentiality.Application;

/// <summary>
/// C-9 (with P-12, whose part is <see cref="ReleaseLeaverCustomers"/>): when an employee leaves, all
/// their access ends at once — their account is blocked from customer data whatever tokens they still
/// hold, and every grant or request of theirs ends. Idempotent: a redelivered EmployeeLeft finds the
/// account blocked and the grants ended, and logs nothing twice.
/// </summary>
public sealed class EndLeaverAccess(CustomerStore customers, AccessRequests grants, AuditLog audit, PolicyClock clock, RpcName rpc)
{
    public async Task<int> ExecuteAsync(string employeeId, string? reason)
    {
        var why = $"C-9 {employeeId} 离职 / left" + (string.IsNullOrWhiteSpace(reason) ? "" : ": " + reason);
        var blocked = ConfidentialityKeys.Blocked(employeeId);
        var change = new AtomicChange()
            .ExpectNotMember(blocked, ConfidentialityKeys.LeftMarker)
            .SetAdd(blocked, ConfidentialityKeys.LeftMarker);
        AuditLog.Pending(change, new AuditRecord(clock.UtcNow, AccessRequests.SystemActor.EmployeeId, AccessRequests.SystemActor.Role, null,
            AuditKinds.Offboarding, [], Purposes.Administration, rpc.Current, $"{why}: account blocked from customer data; employee {employeeId}"));
        var outcome = await customers.CommitAsync(change);
        if (outcome.Succeeded)
        {
            audit.NotifyAppended();
        }
        else if (outcome.Failure != ChangeFailure.AlreadyApplied)
        {
            throw new InvalidOperationException($"Blocking {employeeId} failed: {outcome.Failure}");
        }

        // Also after a redelivery: a grant approved in between (or a first attempt that failed half way) ends now.
        return await grants.EndAllOfAsync(employeeId, why);
    }
}
