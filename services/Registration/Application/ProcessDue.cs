using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// What the due-queue does for one customer at its deadline: re-check it (a late, early or repeated
/// tick is harmless), then in one atomic step with the customer's version guard either lapse the
/// protection (P-3.5, P-3.4: ProtectionLapsed, the customer goes to the branch's pool, the history
/// records it) or send the reminders now due (X-3: owner 30/7/1 days, manager 7 days) and the P-3.4
/// flag, once each, and re-arm the entry at the next deadline.
/// </summary>
public sealed class ProcessDue(CustomerStore store, CustomerWriter writer, Organization organization, PolicyClock clock, ILogger<ProcessDue> logger)
{
    public async Task HandleAsync(string customerId)
    {
        try
        {
            await writer.UpdateAsync(customerId, async current =>
            {
                var customer = current.Value;
                var now = clock.Now;
                var state = clock.Evaluate(customer, now);
                var due = DueWork.At(customer, state, now);
                var key = RegistrationKeys.Customer(customer.Id);
                if (customer.Status != CustomerStatus.Protected)
                {
                    return (new AtomicChange().Expect(key, current.Version).DueRemove(customer.Id), true);
                }

                if (due.IsEmpty)
                {
                    // Early (or the period moved): put the entry back at the next deadline.
                    return (new AtomicChange().Expect(key, current.Version)
                        .DueAdd(customer.Id, due.Next is { } next ? CustomerIndexes.Ms(next) : CustomerIndexes.Ms(now)), true);
                }

                return (due.Lapse ? Lapse(current, state, now) : await RemindAsync(current, state, due, now), true);
            });
        }
        catch (EntityNotFoundException)
        {
            await store.CommitAsync(new AtomicChange().DueRemove(customerId));
        }
        catch (InvalidDataException ex)
        {
            // A record this build cannot read (StorageFormat): retrying cannot help.
            logger.LogError(ex, "Customer {CustomerId} cannot be read; removed from the due-queue", customerId);
            await store.CommitAsync(new AtomicChange().DueRemove(customerId));
        }
    }

    /// <summary>P-3.5: the owner has given the customer up; it is free, in the branch's pool.</summary>
    private AtomicChange Lapse(Versioned<Customer> current, ProtectionState state, NodaTime.Instant now)
    {
        var customer = current.Value;
        var end = state.End!;
        var at = now.ToDateTimeOffset();
        var next = OwnershipRules.Lapsed(customer, state);
        var why = state.Progress is { Lapsed: true } && end.LastDay < state.PeriodEnd!.LastDay
            ? $"P-3.4 连续 {state.Progress.MonthsMissing} 个月无进度 / {state.Progress.MonthsMissing} months without progress"
            : $"P-3.5 保护期于 {end.LastDay:yyyy-MM-dd} 结束 / protection ended on {end.LastDay:yyyy-MM-dd}";
        return writer.Change(current, next, now,
            [new(at, Changes.Lapsed, CustomerStatus.Lapsed, customer.OwnerId, null, why, "system")],
            [
                new ProtectionLapsed(customer.Id, customer.IdentityKey, customer.OwnerId!, customer.BranchId, Protection.Date(end.LastDay), at),
                CustomerWriter.OwnerChange(customer.OwnerId, next, Changes.Lapsed, null, at),
            ]);
    }

    private async Task<AtomicChange> RemindAsync(Versioned<Customer> current, ProtectionState state, DueActions due, NodaTime.Instant now)
    {
        var customer = current.Value;
        var end = state.End!;
        var at = now.ToDateTimeOffset();
        var owner = customer.OwnerId!;
        var events = new List<object>();
        string? manager = null;
        if (due.FlagMonth is not null || due.Reminders.Any(r => r.Recipient == ReminderRecipient.Manager))
        {
            // reminders to the manager go to the owner's manager in Registration's copy.
            manager = await organization.ManagerOfAsync(owner, customer.BranchId);
        }

        foreach (var reminder in due.Reminders)
        {
            var recipient = reminder.Recipient == ReminderRecipient.Owner ? owner : manager;
            if (recipient is not null)
            {
                events.Add(new ProtectionReminderDue(customer.Id, recipient, reminder.Recipient == ReminderRecipient.Owner ? "owner" : "manager",
                    reminder.DaysBefore, Protection.Date(end.LastDay), at));
            }
        }

        if (due.FlagMonth is { } month)
        {
            events.Add(new MajorProspectFlagged(customer.Id, owner, manager, customer.BranchId, month, Protection.Date(state.Progress!.FlaggedOn!.Value), at));
        }

        // Only this period's reminders are kept: a new period starts with none sent.
        var sent = (customer.RemindersSent ?? []).Where(k => k.EndsWith(end.LastDay.ToString("@yyyy-MM-dd", null), StringComparison.Ordinal))
            .Concat(due.Reminders.Select(r => DueWork.ReminderKey(r, end.LastDay)))
            .Distinct()
            .ToList();
        var next = customer with { RemindersSent = sent, FlaggedMonth = due.FlagMonth ?? customer.FlaggedMonth };
        return writer.Change(current, next, now, [], events);
    }
}
