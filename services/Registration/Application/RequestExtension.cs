using System.Globalization;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using static CustomerProtection.Registration.Application.ExtensionChecks;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// P-3.3: the owner asks in writing for a longer protection period. The lead time (formal: 30 calendar
/// days, prospect: 7 working days, both inclusive) and the cap on the period's total extension are
/// judged on the request's date with the parameters in force that day (P-14); a refusal names the
/// deadline, the days missing and what is left of the cap.
/// </summary>
public sealed class RequestExtension(CustomerWriter writer, PolicyClock clock)
{
    public Task<Versioned<Customer>> ExecuteAsync(Caller caller, string customerId, int days, string? reason)
    {
        Lookup.RequireId(customerId);
        CheckDays(days);
        CheckReason(reason);
        return writer.UpdateAsync(customerId, current =>
        {
            var customer = current.Value;
            if (caller.EmployeeId != customer.OwnerId || customer.Status != CustomerStatus.Protected)
            {
                throw new ScopeDeniedException("只有客户的负责人可以申请延期 / only the owner asks for an extension");
            }

            if (customer.PendingExtension is { } waiting)
            {
                throw new PolicyRefusalException("P-3.3", $"已有待审批的延期申请（{waiting.Days} 天）/ an extension request ({waiting.Days} days) is already waiting",
                    new Dictionary<string, string> { ["requestedOn"] = waiting.RequestedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
            }

            var today = clock.Today;
            var now = clock.Now;
            Decide(clock, customer, clock.Evaluate(customer, now), today, days);
            var next = customer with { PendingExtension = new PendingExtension(days, Protection.Date(today), caller.EmployeeId, reason?.Trim()) };
            return Task.FromResult<(AtomicChange?, Versioned<Customer>)>((writer.Change(current, next, now, [], []), new Versioned<Customer>(next, current.Version + 1)));
        });
    }
}
