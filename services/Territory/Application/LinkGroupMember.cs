using CustomerProtection.Contracts.Territory;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>
/// P-4.4: hq links a subsidiary to a group (the parent's invoice identity). A subsidiary belongs to one
/// group; linking it again to the same group changes nothing.
/// </summary>
public sealed class LinkGroupMember(SalesStore store, PolicyClock clock)
{
    public async Task<Versioned<CustomerGroup>> ExecuteAsync(Caller caller, CustomerRef? parent, CustomerRef? subsidiary)
    {
        var (p, s) = GroupInputs.Resolve(caller, parent, subsidiary);
        var (parentKey, subsidiaryKey) = (p.IdentityKey!, s.IdentityKey!);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var old = await store.GetAsync<CustomerGroup>(SalesKeys.Group, parentKey);
            if (old?.Value.Members.Any(m => m.IdentityKey == subsidiaryKey) == true)
            {
                return (ChangeResult.Applied, old);
            }

            // One level: a subsidiary is in one group, and is not itself a group's parent (nor the parent a subsidiary).
            if ((await store.GroupOfAsync(subsidiaryKey))?.Value is { } other)
            {
                throw Refusal($"{subsidiaryKey} 已属于集团 {other.ParentIdentityKey} / {subsidiaryKey} already belongs to group {other.ParentIdentityKey}", other.ParentIdentityKey);
            }

            if ((await store.GroupOfAsync(parentKey))?.Value is { } parentsGroup && parentsGroup.ParentIdentityKey != parentKey)
            {
                throw Refusal($"{parentKey} 是集团 {parentsGroup.ParentIdentityKey} 的子公司 / {parentKey} is a subsidiary of group {parentsGroup.ParentIdentityKey}", parentsGroup.ParentIdentityKey);
            }

            var at = clock.UtcNow;
            var member = new GroupMember(subsidiaryKey, s.InvoiceTitle ?? "", s.TaxpayerId, caller.EmployeeId, at);
            var next = old is null
                ? new CustomerGroup(parentKey, p.InvoiceTitle ?? "", p.TaxpayerId, [member])
                : old.Value with { Members = [.. old.Value.Members, member] };
            var version = old?.Version ?? 0;
            var key = DirectoryKeys.Entity(SalesKeys.Group, parentKey);
            var change = new AtomicChange()
                .Expect(key, version)
                .ExpectBelowCap(SalesKeys.GroupOf(subsidiaryKey), double.NegativeInfinity, 1)
                .Put(key, version + 1, DirectoryStore.Encode(next))
                .IndexAdd(SalesKeys.GroupOf(subsidiaryKey), parentKey, at.ToUnixTimeMilliseconds())
                // The parent is in its own index too, so that finding any customer's group is one read (SalesStore.GroupOfAsync).
                .IndexAdd(SalesKeys.GroupOf(parentKey), parentKey, at.ToUnixTimeMilliseconds())
                .Publish(new CustomerGroupLinked(parentKey, subsidiaryKey, caller.EmployeeId, at));
            return (await store.Directory.CommitAsync(change), new Versioned<CustomerGroup>(next, version + 1));
        });
    }

    private static PolicyRefusalException Refusal(string message, string groupParent) =>
        new("P-4.4", message, new Dictionary<string, string> { ["group_parent_identity_key"] = groupParent });
}
