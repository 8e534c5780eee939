using System.Globalization;
using CustomerProtection.Registration.Domain;
using NodaTime;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Persistence;

/// <summary>
/// One index membership: a sorted-set member with its score, or a set member (no score); <paramref name="Due"/>: the
/// due-queue's entry (two levels, <see cref="RegistrationKeys.Due"/>); <paramref name="AddOnly"/>: an entry the
/// customer shares with others (a block in the branch's directory of blocks), added with the customer's state
/// and never removed when the customer's state no longer has it.
/// </summary>
public sealed record IndexEntry(RedisKey Key, string Member, double? Score, bool Due = false, bool AddOnly = false);

/// <summary>
/// Which indexes a customer belongs to, as a function of its state: every write adds the new
/// state's memberships and removes the old state's that no longer hold, in the same atomic step,
/// so the indexes can never drift from the customers whatever the transition.
/// </summary>
public static class CustomerIndexes
{
    public static IReadOnlyList<IndexEntry> Of(Customer customer, ProtectionState state, DueActions due, Instant now)
    {
        var id = customer.Id;
        var entries = BranchCustomers(customer.BranchId, id);
        switch (customer.Status)
        {
            case CustomerStatus.Pending when customer.OwnerId is { } filer:
                // a pending filing holds the identity and counts against the cap until decided.
                entries.Add(new(RegistrationKeys.OwnerCustomers(filer), id, double.PositiveInfinity));
                if (customer.Stage == Stages.Formal)
                {
                    entries.Add(new(RegistrationKeys.OwnerFormal(filer), id, double.PositiveInfinity));
                }

                entries.Add(new(RegistrationKeys.BranchPending(customer.BranchId), id, Ms(customer.FiledAt)));
                break;

            case CustomerStatus.Protected when customer.OwnerId is { } owner:
                // Scored by the end of protection: ZCOUNT above "now" is the number protected now.
                var endsAt = state.End is { } end ? Ms(end.EndsAt) : 0;
                entries.Add(new(RegistrationKeys.OwnerCustomers(owner), id, endsAt));
                if (state.End is { } ending)
                {
                    var lastDay = Protection.Date(ending.LastDay);
                    entries.Add(new(RegistrationKeys.BranchEnding(customer.BranchId, lastDay), id, null));
                    entries.Add(new(RegistrationKeys.CompanyEnding(lastDay), id, null));
                }

                if (customer.Stage == Stages.Formal)
                {
                    entries.Add(new(RegistrationKeys.OwnerFormal(owner), id, endsAt));
                }

                entries.Add(new(RegistrationKeys.DueEntries(RegistrationKeys.DueBucket(id)), id, due.IsEmpty && due.Next is { } next ? Ms(next) : Ms(now), Due: true));
                if (customer.ObjectionWindowEnds is { } windowEnds)
                {
                    var closesAt = PolicyTime.StartOfDay(Protection.Local(windowEnds).PlusDays(1));
                    if (closesAt > now)
                    {
                        entries.Add(new(RegistrationKeys.BranchAnnouncements(customer.BranchId), id, Ms(closesAt)));
                    }
                }

                if (customer.PendingExtension is { } request)
                {
                    entries.Add(new(RegistrationKeys.BranchExtensions(customer.BranchId), id, request.RequestedOn.DayNumber));
                }

                break;

            case CustomerStatus.Lapsed or CustomerStatus.Pool:
                entries.Add(new(RegistrationKeys.BranchPool(customer.BranchId), id, customer.FreedAt is { } at ? Ms(at) : Ms(now)));
                break;
        }

        foreach (var coDeveloper in customer.CoDevelopers ?? [])
        {
            entries.Add(new(RegistrationKeys.CoDeveloperOf(coDeveloper), id, null));
        }

        return entries;
    }

    /// <summary>
    /// The branch's index of all its customers: the customer in its block, and the block in the branch's
    /// directory (add-only: other customers share the block; readers skip a block left empty).
    /// </summary>
    private static List<IndexEntry> BranchCustomers(string branchId, string id)
    {
        var block = RegistrationKeys.CustomerBlock(id);
        return block == RegistrationKeys.OtherIdsBlock
            ? [new(RegistrationKeys.BranchCustomers(branchId, block), id, 0), new(RegistrationKeys.BranchCustomerBlocks(branchId), block, double.PositiveInfinity, AddOnly: true)]
            : [new(RegistrationKeys.BranchCustomers(branchId, block), id, null), new(RegistrationKeys.BranchCustomerBlocks(branchId), block, double.Parse(block, CultureInfo.InvariantCulture), AddOnly: true)];
    }

    /// <summary>Adds the new memberships and removes the old ones that no longer hold (but never an add-only one).</summary>
    public static void Apply(AtomicChange change, IReadOnlyList<IndexEntry> before, IReadOnlyList<IndexEntry> after)
    {
        var kept = after.Select(e => (e.Key.ToString(), e.Member)).ToHashSet();
        foreach (var old in before.Where(e => !e.AddOnly && !kept.Contains((e.Key.ToString(), e.Member))))
        {
            if (old.Due)
            {
                change.DueRemove(old.Member);
            }
            else if (old.Score is null)
            {
                change.SetRemove(old.Key, old.Member);
            }
            else
            {
                change.IndexRemove(old.Key, old.Member);
            }
        }

        foreach (var entry in after)
        {
            if (entry.Due)
            {
                change.DueAdd(entry.Member, entry.Score!.Value);
            }
            else if (entry.Score is { } score)
            {
                change.IndexAdd(entry.Key, entry.Member, score);
            }
            else
            {
                change.SetAdd(entry.Key, entry.Member);
            }
        }
    }

    public static double Ms(Instant instant) => instant.ToUnixTimeMilliseconds();

    public static double Ms(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();
}
