using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using NodaTime;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// M-2: dated calls, e-mails, visits, trials and quotes with evidence, by the owner or a
/// co-developer (and a trial by the claimant of an open ownership case, P-2.4(b)); the evidence of
/// P-9.2 and the input of P-3.4's monthly check. A major prospect's month is judged on the 1st of the
/// next (P-3.4), so its progress cannot be dated back into a month already judged.
/// </summary>
public sealed class RecordProgress(CustomerWriter writer, PolicyClock clock)
{
    public Task<ProgressEntry> ExecuteAsync(Caller caller, string customerId, string? kind, string? on, string? note, string? evidence)
    {
        Lookup.RequireId(customerId);
        var today = clock.Today;
        var violations = new List<FieldViolation>();
        FilingRules.CheckOneOf(violations, "kind", kind, ProgressKinds.All);
        var date = FilingRules.PastDate(violations, "on", on, today);
        FilingRules.CheckLength(violations, "note", note, FilingRules.MaxTextLength);
        FilingRules.CheckLength(violations, "evidence", evidence, 500);
        if (violations.Count > 0 || date is null)
        {
            throw new RequestValidationException(violations);
        }

        return writer.UpdateAsync(customerId, current =>
        {
            var customer = current.Value;
            if (!RegistrationScopes.CanRecordProgress(caller, customer, kind!))
            {
                throw new ScopeDeniedException("只有负责人和合作开发人可以记录进度（争议申请人只能记录试用）/ only the owner and co-developers record progress (a case's claimant only a trial)");
            }

            var now = clock.Now;
            var state = clock.Evaluate(customer, now);
            if (!state.ProtectedNow)
            {
                throw new PolicyRefusalException("P-3.5", "客户不在保护期内 / the customer is not protected", new Dictionary<string, string> { ["status"] = state.Status });
            }

            var monthStart = today.With(DateAdjusters.StartOfMonth);
            if (state.Progress is not null && Protection.Local(date.Value) < monthStart)
            {
                throw new PolicyRefusalException("P-3.4", $"大客户的进度按月检查，{monthStart:yyyy-MM-dd} 前的月份已检查 / a major prospect's months before {monthStart:yyyy-MM-dd} are already checked",
                    new Dictionary<string, string> { ["earliest"] = monthStart.ToString("yyyy-MM-dd", null) });
            }

            var at = now.ToDateTimeOffset();
            var entry = new ProgressEntry(kind!, date.Value, FilingRules.NullIfBlank(note)?.Trim(), FilingRules.NullIfBlank(evidence)?.Trim(), caller.EmployeeId, at);
            // P-3.4 is the holder's duty: a claimant's trial is evidence for the claim, not the owner's monthly progress.
            // M-2: a record without evidence is kept (and listed) but is not evidence, so it is no progress for the
            // monthly check: a month whose only records lack evidence is a month without recorded progress.
            var next = RegistrationScopes.IsOwnerOrCoDeveloper(caller, customer) && entry.IsEvidence
                ? customer with { ProgressDates = [.. (customer.ProgressDates ?? []).Append(date.Value).Distinct().Order()] }
                : customer;
            var change = writer.Change(current, next, now, [], [new ProgressRecorded(customer.Id, customer.OwnerId, caller.EmployeeId, entry.Kind, entry.On, at)], progress: entry);
            return Task.FromResult<(AtomicChange?, ProgressEntry)>((change, entry));
        });
    }
}
