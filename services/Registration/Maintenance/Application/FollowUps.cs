using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Maintenance.Domain;
using CustomerProtection.Registration.Maintenance.Persistence;
using CustomerProtection.Registration.Persistence;
using NodaTime;

namespace CustomerProtection.Registration.Maintenance.Application;

/// <summary>A customer whose follow-up is overdue (M-1).</summary>
public sealed record FollowUpDue(Customer Customer, MaintenanceDeadline Deadline, int DaysOverdue);

/// <summary>
/// M-1: the follow-up deadline of an owned customer — its class's interval from its last counted contact
/// record (M-2, with evidence) or the start of its period — and the owners' list of overdue customers.
/// </summary>
public sealed class FollowUps(CustomerStore store, MaintainedCustomers customers, PolicyClock clock)
{
    /// <summary>The customer's follow-up deadline (reads its M-2 records).</summary>
    public async Task<MaintenanceDeadline> DeadlineAsync(Customer customer)
    {
        var since = MaintenanceRules.FollowUpSince(customer, await store.ProgressAsync(customer.Id));
        return MaintenanceRules.Deadline(clock, since, p => MaintenanceRules.FollowUpDays(p, customer.Class));
    }

    /// <summary>The caller's customers (no branch) or a branch's whose follow-up is overdue, most overdue first.</summary>
    public async Task<MaintenancePage<FollowUpDue>> ListDueAsync(Caller caller, string? branchId, int pageSize, string? pageToken)
    {
        var today = clock.Today;
        var due = new List<FollowUpDue>();
        foreach (var chunk in (await customers.InScopeAsync(caller, branchId)).Chunk(64))
        {
            var deadlines = await Task.WhenAll(chunk.Select(c => DeadlineAsync(c.Value)));
            due.AddRange(chunk.Zip(deadlines).Where(p => p.Second.IsOverdue(today)).Select(p => new FollowUpDue(p.First.Value, p.Second, p.Second.DaysOverdue(today))));
        }

        return MaintainedCustomers.Page(due.OrderByDescending(d => d.DaysOverdue).ThenBy(d => d.Customer.Id, StringComparer.Ordinal).ToList(), pageSize, pageToken);
    }
}

/// <summary>
/// X-3 applied to M-1: what the follow-up due-queue does for one customer. Its entry is armed when the
/// customer gets an owner (<see cref="ArmAsync"/>) and, when it comes due, the deadline is judged again
/// (a contact recorded since moves it: the entry is put back at the new deadline); an overdue follow-up
/// is announced once per overdue period (<see cref="FollowUpOverdue"/>, remembered by last day and period,
/// in the customer's version guard), and the entry re-armed at the next period. A customer no longer
/// protected leaves the queue.
/// </summary>
public sealed class FollowUpReminders(CustomerStore store, MaintenanceStore maintenance, FollowUps followUps, MaintainedCustomers customers, Organization organization, PolicyClock clock)
{
    /// <summary>
    /// Arms the customers that got their owner before the follow-up queue existed (no OwnershipChanged armed them): once per
    /// deployment, remembered by <see cref="MaintenanceKeys.FollowUpBackfilled"/>; a customer with an entry keeps it.
    /// </summary>
    /// <returns>How many customers were armed.</returns>
    public async Task<int> ArmEarlierCustomersAsync()
    {
        if (await maintenance.FollowUpsBackfilledAsync())
        {
            return 0;
        }

        await organization.FillBranchListAsync();
        var armed = 0;
        foreach (var branch in await organization.BranchIdsAsync())
        {
            foreach (var customer in await customers.BranchAsync(branch))
            {
                if (await maintenance.FollowUps.DueAtAsync(customer.Value.Id) is null)
                {
                    await ArmAsync(customer.Value.Id);
                    armed++;
                }
            }
        }

        await maintenance.CommitAsync(new AtomicChange().Set(MaintenanceKeys.FollowUpBackfilled, "1"));
        return armed;
    }

    /// <summary>Puts the customer in the queue at its next follow-up instant (idempotent: the same instant again).</summary>
    public async Task ArmAsync(string customerId)
    {
        if (await store.GetAsync(customerId) is not { } current || current.Value.OwnerId is null || !clock.Evaluate(current.Value).ProtectedNow)
        {
            return;
        }

        var deadline = await followUps.DeadlineAsync(current.Value);
        await maintenance.CommitAsync(new AtomicChange().IndexAdd(MaintenanceKeys.FollowUpDue, customerId, NextInstant(deadline, clock.Today)));
    }

    public Task HandleAsync(string customerId) =>
        OptimisticConcurrency.RetryAsync(async () =>
        {
            var current = await store.GetAsync(customerId);
            if (current is null || current.Value.OwnerId is null || !clock.Evaluate(current.Value).ProtectedNow)
            {
                return (await maintenance.CommitAsync(new AtomicChange().IndexRemove(MaintenanceKeys.FollowUpDue, customerId)), 0);
            }

            var customer = current.Value;
            var today = clock.Today;
            var deadline = await followUps.DeadlineAsync(customer);
            var change = new AtomicChange()
                .Expect(RegistrationKeys.Customer(customerId), current.Version)
                .IndexAdd(MaintenanceKeys.FollowUpDue, customerId, NextInstant(deadline, today));
            if (deadline.IsOverdue(today))
            {
                var period = MaintenanceRules.OverduePeriod(deadline, today);
                var key = $"{deadline.End.LastDay:yyyy-MM-dd}#{period}";
                var reminded = await maintenance.RemindedAsync(customerId);
                if (reminded != key)
                {
                    change.ExpectFieldUnchanged(MaintenanceKeys.FollowUpReminded, customerId, reminded)
                        .SetField(MaintenanceKeys.FollowUpReminded, customerId, key)
                        .Publish(new FollowUpOverdue(customer.Id, customer.OwnerId!, customer.BranchId, customer.Class,
                            Dates.ToDateOnly(deadline.Since), Dates.ToDateOnly(MaintenanceRules.OverduePeriodStart(deadline, period)), period, clock.UtcNow));
                }
            }

            return (await maintenance.CommitAsync(change), 0);
        });

    /// <summary>The start (Asia/Shanghai) of the first overdue day, or, once overdue, of the next overdue period.</summary>
    private static double NextInstant(MaintenanceDeadline deadline, LocalDate today)
    {
        var day = deadline.IsOverdue(today)
            ? MaintenanceRules.OverduePeriodStart(deadline, MaintenanceRules.OverduePeriod(deadline, today) + 1)
            : deadline.End.LastDay.PlusDays(1);
        return CustomerIndexes.Ms(PolicyTime.StartOfDay(day));
    }
}
