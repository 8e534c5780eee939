using CustomerProtection.Contracts.Territory;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>P-4.4: hq unlinks a subsidiary from its group (a second time changes nothing).</summary>
public sealed class UnlinkGroupMember(SalesStore store, PolicyClock clock)
{
    public async Task<Versioned<CustomerGroup>> ExecuteAsync(Caller caller, CustomerRef? parent, CustomerRef? subsidiary)
    {
        var (p, s) = GroupInputs.Resolve(caller, parent, subsidiary);
        var (parentKey, subsidiaryKey) = (p.IdentityKey!, s.IdentityKey!);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var old = await store.GetAsync<CustomerGroup>(SalesKeys.Group, parentKey) ?? throw new EntityNotFoundException("group", parentKey);
            if (old.Value.Members.All(m => m.IdentityKey != subsidiaryKey))
            {
                return (ChangeResult.Applied, old);
            }

            var at = clock.UtcNow;
            var next = old.Value with { Members = [.. old.Value.Members.Where(m => m.IdentityKey != subsidiaryKey)] };
            var key = DirectoryKeys.Entity(SalesKeys.Group, parentKey);
            var change = new AtomicChange()
                .Expect(key, old.Version)
                .Put(key, old.Version + 1, DirectoryStore.Encode(next))
                .IndexRemove(SalesKeys.GroupOf(subsidiaryKey), parentKey);
            if (next.Members.Count == 0)
            {
                // No subsidiary left: no group, so the parent leaves its own index (it may become another's subsidiary).
                change.IndexRemove(SalesKeys.GroupOf(parentKey), parentKey);
            }

            change.Publish(new CustomerGroupUnlinked(parentKey, subsidiaryKey, caller.EmployeeId, at));
            return (await store.Directory.CommitAsync(change), new Versioned<CustomerGroup>(next, old.Version + 1));
        });
    }
}
