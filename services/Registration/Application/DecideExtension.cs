using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using static CustomerProtection.Registration.Application.ExtensionChecks;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// P-3.3: the owner's branch manager or secretary approves or rejects the waiting extension request;
/// approval judges the written request's date again (the period must still run now).
/// </summary>
public sealed class DecideExtension(CustomerWriter writer, PolicyClock clock)
{
    public Task<Versioned<Customer>> ExecuteAsync(Caller caller, string customerId, bool approve, string? reason)
    {
        Lookup.RequireId(customerId);
        CheckReason(reason);
        return writer.UpdateAsync(customerId, current =>
        {
            var customer = current.Value;
            if (!RegistrationScopes.CanDecideExtension(caller, customer.BranchId))
            {
                throw new ScopeDeniedException($"只有 {customer.BranchId} 的经理或秘书可以审批延期 / only the manager or secretary of {customer.BranchId} decides extensions");
            }

            var request = customer.PendingExtension
                ?? throw new PolicyRefusalException("P-3.3", "没有待审批的延期申请 / no extension request is waiting", new Dictionary<string, string>());
            var now = clock.Now;
            var at = now.ToDateTimeOffset();
            if (!approve)
            {
                var rejected = customer with { PendingExtension = null };
                return Task.FromResult<(AtomicChange?, Versioned<Customer>)>((writer.Change(current, rejected, now, [], []), new Versioned<Customer>(rejected, current.Version + 1)));
            }

            // The written request is what must be early enough; the period must still run now.
            var state = clock.Evaluate(customer, now);
            Decide(clock, customer, state, state.ProtectedNow ? Protection.Local(request.RequestedOn) : clock.Today, request.Days);
            var next = customer with
            {
                ExtensionDays = customer.ExtensionDays + request.Days,
                PendingExtension = null,
                RemindersFrom = at,
                RemindersSent = null,
            };
            var end = clock.Evaluate(next, now).End!;
            var change = writer.Change(current, next, now, [], [new ProtectionPeriodChanged(customer.Id, customer.IdentityKey, customer.OwnerId!,
                customer.BranchId, customer.Stage, PeriodChangeCauses.Extension, next.PeriodStart!.Value, Protection.Date(end.LastDay), at)]);
            return Task.FromResult<(AtomicChange?, Versioned<Customer>)>((change, new Versioned<Customer>(next, current.Version + 1)));
        });
    }
}
