using System.Globalization;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Policy;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Storage;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// P-3.3: the owner asks in writing; the owner's branch manager or secretary approves. The lead time
/// (formal: 30 calendar days, prospect: 7 working days, both inclusive) is judged on the request's
/// date with the parameters in force that day (P-14), the cap on the period's total extension on
/// approval too. A refusal is FAILED_PRECONDITION with the deadline, the days missing and what is
/// left of the cap. hq's special filing (P-3.1) is here as well: it changes a formal period's length.
/// </summary>
public sealed class Extensions(CustomerWriter writer, PolicyClock clock)
{
    public const int MaxDays = 3650;

    public Task<Versioned<Customer>> RequestAsync(Caller caller, string customerId, int days, string? reason)
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
            Decide(customer, clock.Evaluate(customer, now), today, days);
            var next = customer with { PendingExtension = new PendingExtension(days, Protection.Date(today), caller.EmployeeId, reason?.Trim()) };
            return Task.FromResult<(AtomicChange?, Versioned<Customer>)>((writer.Change(current, next, now, [], []), new Versioned<Customer>(next, current.Version + 1)));
        });
    }

    public Task<Versioned<Customer>> DecideAsync(Caller caller, string customerId, bool approve, string? reason)
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
            Decide(customer, state, state.ProtectedNow ? Protection.Local(request.RequestedOn) : clock.Today, request.Days);
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

    /// <summary>P-3.1: hq's special filing gives a formal customer its own period (0: back to the standard one).</summary>
    public Task<Versioned<Customer>> SetSpecialPeriodAsync(Caller caller, string customerId, int periodDays, string? reason)
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

    private void Decide(Customer customer, ProtectionState state, NodaTime.LocalDate requestDate, int days)
    {
        if (state.End is not { } end)
        {
            throw new PolicyRefusalException("P-3.5", "客户不在保护期内 / the customer is not protected", new Dictionary<string, string> { ["status"] = state.Status });
        }

        // P-14: the parameters in force on the day of the request.
        var rules = ProtectionRules.ForEvent(clock.Book, clock.Calendar, requestDate);
        var decision = rules.EvaluateExtension(Protection.StageOf(customer), end.LastDay, requestDate, days, customer.ExtensionDays);
        if (!decision.Allowed)
        {
            throw new PolicyRefusalException(decision.RuleId, Explain(decision), decision.ToErrorMetadata());
        }
    }

    private static string Explain(ExtensionDecision d) => d.Reason switch
    {
        ExtensionRefusal.PeriodLapsed => $"保护期已于 {d.LastDay:yyyy-MM-dd} 结束，不能延期 / protection ended on {d.LastDay:yyyy-MM-dd} and cannot be extended",
        ExtensionRefusal.TooLate => $"须在 {d.LatestRequestDate:yyyy-MM-dd} 前（期满前 {d.LeadTimeNeed} {(d.LeadTimeInWorkingDays ? "个工作日" : "天")}）申请，晚了 {d.LeadTimeMissing} 天 / the request was due by {d.LatestRequestDate:yyyy-MM-dd} ({d.LeadTimeNeed} {(d.LeadTimeInWorkingDays ? "working days" : "days")} before expiry), {d.LeadTimeMissing} too late",
        _ => $"本保护期延期上限 {d.CapDays} 天，还剩 {d.CapRemainingDays} 天 / the period's extension cap is {d.CapDays} days, {d.CapRemainingDays} left",
    };

    private static void CheckDays(int days)
    {
        if (days is <= 0 or > MaxDays)
        {
            throw new RequestValidationException(new FieldViolation("days", $"1 到 {MaxDays} / 1 to {MaxDays}"));
        }
    }

    private static void CheckReason(string? reason)
    {
        if (reason?.Length > FilingRules.MaxTextLength)
        {
            throw new RequestValidationException(new FieldViolation("reason", $"最长 {FilingRules.MaxTextLength} 字 / at most {FilingRules.MaxTextLength} characters"));
        }
    }
}
