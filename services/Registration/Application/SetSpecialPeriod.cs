using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using static CustomerProtection.Registration.Application.ExtensionChecks;

namespace CustomerProtection.Registration.Application;

/// <summary>P-3.1: hq's special filing gives a formal customer its own period length (0: back to the standard one).</summary>
public sealed class SetSpecialPeriod(CustomerWriter writer, PolicyClock clock)
{
    public Task<Versioned<Customer>> ExecuteAsync(Caller caller, string customerId, int periodDays, string? reason)
    {
        Lookup.RequireId(customerId);
        if (!caller.IsHq)
        {
            throw new ScopeDeniedException("特殊备案由总公司办理 / special filings are hq's");
        }

        if (periodDays is < 0 or > MaxDays)
        {
            throw new RequestValidationException(new FieldViolation("period_days", $"0 到 {MaxDays} / 0 to {MaxDays}"));
        }

        CheckReason(reason);
        return writer.UpdateAsync(customerId, current =>
        {
            var customer = current.Value;
            if (customer.Stage != Stages.Formal)
            {
                throw new PolicyRefusalException("P-3.1", "特殊备案只适用于正式客户 / a special filing is for formal customers",
                    new Dictionary<string, string> { ["stage"] = customer.Stage });
            }

            var now = clock.Now;
            var at = now.ToDateTimeOffset();
            var next = customer with { SpecialPeriodDays = periodDays == 0 ? null : periodDays, RemindersFrom = at, RemindersSent = null };
            var events = new List<object>();
            var state = clock.Evaluate(next, now);
            if (customer.Status == CustomerStatus.Protected && state.End is { } end)
            {
                events.Add(new ProtectionPeriodChanged(customer.Id, customer.IdentityKey, customer.OwnerId!, customer.BranchId, customer.Stage,
                    PeriodChangeCauses.SpecialPeriod, next.PeriodStart!.Value, Protection.Date(end.LastDay), at));
            }

            return Task.FromResult<(AtomicChange?, Versioned<Customer>)>((writer.Change(current, next, now, [], events), new Versioned<Customer>(next, current.Version + 1)));
        });
    }
}
