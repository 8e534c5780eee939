using NodaTime;

namespace CustomerProtection.Registration.Domain;

/// <summary>What the due-queue must do for a customer at an instant (X-3, P-3.4, P-3.5).</summary>
/// <param name="Lapse">The protection has ended: announce the lapse and free the customer.</param>
/// <param name="Reminders">Reminders due now and not yet sent (X-3).</param>
/// <param name="FlagMonth">P-3.4: a month without progress to report to the manager ("yyyy-MM").</param>
/// <param name="Next">When to look again (null: nothing more is due for this customer).</param>
public sealed record DueActions(bool Lapse, IReadOnlyList<Reminder> Reminders, string? FlagMonth, Instant? Next)
{
    public bool IsEmpty => !Lapse && Reminders.Count == 0 && FlagMonth is null;
}

/// <summary>
/// The deadlines of an owned customer as data (architecture.md, Time): the due-queue keeps one
/// entry per customer at its next instant; the handler asks <see cref="At"/> what is due then, so a
/// late, early or repeated tick is harmless.
/// </summary>
public static class DueWork
{
    /// <summary>The key under which a sent reminder is remembered: once per recipient, lead and period end.</summary>
    public static string ReminderKey(Reminder reminder, LocalDate lastDay) =>
        $"{(reminder.Recipient == ReminderRecipient.Owner ? "o" : "m")}{reminder.DaysBefore}@{lastDay:yyyy-MM-dd}";

    public static DueActions At(Customer customer, ProtectionState state, Instant now)
    {
        if (customer.Status != CustomerStatus.Protected || state.End is not { } end || state.Rules is not { } rules)
        {
            return new DueActions(false, [], null, null);
        }

        if (!state.ProtectedNow)
        {
            return new DueActions(true, [], null, null);
        }

        // X-3: reminders of this period that fell due after the period was (re)planned, once each.
        // One planned when the reminder day had already passed is skipped ("the caller skips
        // reminders already past").
        var from = customer.RemindersFrom is { } f ? Instant.FromDateTimeOffset(f) : Instant.MinValue;
        var sent = customer.RemindersSent ?? [];
        var pending = rules.ReminderDates(end)
            .Where(r => r.DueAt > from && r.DueAt < end.EndsAt && !sent.Contains(ReminderKey(r, end.LastDay)))
            .ToList();
        var dueNow = pending.Where(r => r.DueAt <= now).ToList();

        string? flag = null;
        Instant? nextCheck = null;
        if (state.Progress is { } progress)
        {
            // P-3.4: each month is judged on the 1st of the next; the first miss is told to the manager.
            if (progress.Flagged && progress.MissedMonths.Count > 0)
            {
                var month = progress.MissedMonths[0].ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
                flag = customer.FlaggedMonth == month ? null : month;
            }

            var nextMonth = PolicyTime.DateOf(now).With(DateAdjusters.StartOfMonth).PlusMonths(1);
            nextCheck = PolicyTime.StartOfDay(nextMonth);
        }

        var next = new[] { (Instant?)end.EndsAt, pending.Where(r => r.DueAt > now).Select(r => (Instant?)r.DueAt).Min(), nextCheck }
            .Where(i => i is not null)
            .Min();
        return new DueActions(false, dueNow, flag, next);
    }
}
