using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// P-12 (and C-9): when an employee leaves, all their customers return to the branch's public
/// pool at once — protected ones become pool customers, pending filings are rejected — and they stop
/// being anyone's co-developer. Each customer moves in its own atomic step with its history entry
/// and event, 16 at a time, so thousands take seconds; a customer no longer theirs is skipped, so a
/// redelivered EmployeeLeft moves nothing and publishes nothing.
/// </summary>
public sealed class ReleaseLeaverCustomers(CustomerStore store, CustomerWriter writer, PolicyClock clock)
{
    private static readonly ParallelOptions Parallelism = new() { MaxDegreeOfParallelism = 16 };

    public async Task<int> ExecuteAsync(string employeeId, string? reason)
    {
        var moved = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            // Everything the leaver holds or co-develops (bounded by X-1 and P-3.6), again until a pass
            // finds nothing new: a filing approved meanwhile is caught by the next pass.
            var owned = (await store.Db.SortedSetRangeByRankAsync(RegistrationKeys.OwnerCustomers(employeeId))).Select(v => (string)v!);
            var coDeveloped = (await store.Db.SetMembersAsync(RegistrationKeys.CoDeveloperOf(employeeId))).Select(v => (string)v!);
            var fresh = owned.Concat(coDeveloped).Where(seen.Add).ToList();
            if (fresh.Count == 0)
            {
                return moved;
            }

            await Parallel.ForEachAsync(fresh, Parallelism, async (id, _) =>
            {
                if (await ReleaseAsync(id, employeeId, reason))
                {
                    Interlocked.Increment(ref moved);
                }
            });
        }
    }

    private async Task<bool> ReleaseAsync(string customerId, string employeeId, string? reason)
    {
        try
        {
            return await writer.UpdateAsync(customerId, current =>
            {
                var customer = current.Value;
                var now = clock.Now;
                var at = now.ToDateTimeOffset();
                var why = $"P-12 {employeeId} 离职 / left{(string.IsNullOrWhiteSpace(reason) ? "" : ": " + reason)}";
                Customer next;
                var history = new List<HistoryEntry>();
                var events = new List<object>();
                if (customer.OwnerId == employeeId && customer.Status == CustomerStatus.Pending)
                {
                    next = OwnershipRules.Rejected(customer);
                    history.Add(new(at, Changes.Rejected, next.Status, employeeId, null, why, "system"));
                }
                else if (customer.OwnerId == employeeId && customer.Status == CustomerStatus.Protected
                    && clock.Evaluate(customer, now).Status == CustomerStatus.Protected)
                {
                    // A protection already ended was given up (P-3.5), not left behind: the due-queue lapses it.
                    next = OwnershipRules.LeftBehind(customer, at);
                    history.Add(new(at, Changes.Pool, CustomerStatus.Pool, employeeId, null, why, "system"));
                    events.Add(CustomerWriter.OwnerChange(employeeId, next, Changes.Pool, null, at));
                }
                else if (customer.IsCoDeveloper(employeeId))
                {
                    var remaining = customer.CoDevelopers!.Where(c => c != employeeId).ToList();
                    next = customer with { CoDevelopers = remaining.Count == 0 ? null : remaining };
                    history.Add(new(at, Changes.CoDevelopers, customer.Status, customer.OwnerId, customer.OwnerId, why, "system"));
                    if (customer.OwnerId is { } owner)
                    {
                        events.Add(new CoDevelopersChanged(customer.Id, owner, remaining, "system", at));
                    }
                }
                else
                {
                    return Task.FromResult<(AtomicChange?, bool)>((null, false));
                }

                return Task.FromResult<(AtomicChange?, bool)>((writer.Change(current, next, now, history, events), true));
            });
        }
        catch (EntityNotFoundException)
        {
            return false;
        }
    }
}
