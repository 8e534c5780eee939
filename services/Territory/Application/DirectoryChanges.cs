using CustomerProtection.Contracts.Organization;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>
/// The atomic step for each kind of directory change: the entity's new state guarded by its old
/// version, its index entries, and its event in the outbox (architecture.md: one atomic step).
/// </summary>
public static class DirectoryChanges
{
    public static AtomicChange Region(Versioned<Region>? old, Region next, DateTimeOffset at)
    {
        var version = (old?.Version ?? 0) + 1;
        return new AtomicChange()
            .Expect(DirectoryKeys.Entity(DirectoryKeys.Region, next.Id), old?.Version ?? 0)
            .Put(DirectoryKeys.Entity(DirectoryKeys.Region, next.Id), version, DirectoryStore.Encode(next))
            .IndexAdd(DirectoryKeys.All(DirectoryKeys.Region), next.Id)
            .Publish(new RegionChanged(new RegionSnapshot(next.Id, next.Name), version, at));
    }

    /// <summary>
    /// A new branch also bumps its region's version: a concurrent point-to-area dealer appointment,
    /// which is guarded by that version, then fails and re-checks P-7 against the new branch.
    /// </summary>
    public static AtomicChange Branch(Versioned<Branch>? old, Branch next, Versioned<Region> region, DateTimeOffset at)
    {
        var version = (old?.Version ?? 0) + 1;
        var change = new AtomicChange()
            .Expect(DirectoryKeys.Entity(DirectoryKeys.Branch, next.Id), old?.Version ?? 0)
            .Put(DirectoryKeys.Entity(DirectoryKeys.Branch, next.Id), version, DirectoryStore.Encode(next))
            .IndexAdd(DirectoryKeys.All(DirectoryKeys.Branch), next.Id)
            .IndexAdd(DirectoryKeys.ByRegion(DirectoryKeys.Branch, next.RegionId), next.Id)
            .Publish(new BranchChanged(Snapshot(next), version, at));
        if (old is null)
        {
            var regionKey = DirectoryKeys.Entity(DirectoryKeys.Region, region.Value.Id);
            change.Expect(regionKey, region.Version).Put(regionKey, region.Version + 1, DirectoryStore.Encode(region.Value));
        }

        return change;
    }

    public static AtomicChange Employee(Versioned<Employee>? old, Employee next, Func<EmployeeSnapshot, long, object> evt)
    {
        var version = (old?.Version ?? 0) + 1;
        var change = new AtomicChange()
            .Expect(DirectoryKeys.Entity(DirectoryKeys.Employee, next.Id), old?.Version ?? 0)
            .Put(DirectoryKeys.Entity(DirectoryKeys.Employee, next.Id), version, DirectoryStore.Encode(next))
            .IndexAdd(DirectoryKeys.All(DirectoryKeys.Employee), next.Id);
        if (old?.Value.BranchId is { } oldBranch && oldBranch != next.BranchId)
        {
            change.IndexRemove(DirectoryKeys.ByBranch(DirectoryKeys.Employee, oldBranch), next.Id);
        }

        if (old?.Value.RegionId is { } oldRegion && oldRegion != next.RegionId)
        {
            change.IndexRemove(DirectoryKeys.ByRegion(DirectoryKeys.Employee, oldRegion), next.Id);
        }

        if (next.BranchId is not null)
        {
            change.IndexAdd(DirectoryKeys.ByBranch(DirectoryKeys.Employee, next.BranchId), next.Id);
        }

        if (next.RegionId is not null)
        {
            change.IndexAdd(DirectoryKeys.ByRegion(DirectoryKeys.Employee, next.RegionId), next.Id);
        }

        return change.Publish(evt(Snapshot(next), version));
    }

    /// <param name="regionGuard">For a new point-to-area dealer: the region as P-7 was checked against.</param>
    public static AtomicChange Dealer(Versioned<Dealer>? old, Dealer next, string identityKey, Versioned<Region>? regionGuard, Func<DealerSnapshot, long, object> evt)
    {
        var version = (old?.Version ?? 0) + 1;
        var change = new AtomicChange()
            .Expect(DirectoryKeys.Entity(DirectoryKeys.Dealer, next.Id), old?.Version ?? 0)
            .Put(DirectoryKeys.Entity(DirectoryKeys.Dealer, next.Id), version, DirectoryStore.Encode(next))
            .IndexAdd(DirectoryKeys.All(DirectoryKeys.Dealer), next.Id)
            .IndexAdd(DirectoryKeys.ByRegion(DirectoryKeys.Dealer, next.RegionId), next.Id)
            .IndexAdd(DirectoryKeys.ByBranch(DirectoryKeys.Dealer, next.BranchId), next.Id);
        if (regionGuard is not null)
        {
            change.Expect(DirectoryKeys.Entity(DirectoryKeys.Region, regionGuard.Value.Id), regionGuard.Version);
        }

        return change.Publish(evt(Snapshot(next, identityKey), version));
    }

    public static BranchSnapshot Snapshot(Branch b) => new(b.Id, b.RegionId, b.Name, b.Kind, b.Direct, b.ManagerId, b.AutoApproveFilings);

    public static EmployeeSnapshot Snapshot(Employee e) => new(e.Id, e.Name, e.Role, e.BranchId, e.RegionId, e.ManagerId, e.Status, e.HireDate, e.LeftOn, e.Email);

    public static DealerSnapshot Snapshot(Dealer d, string identityKey) =>
        new(d.Id, d.Name, d.BranchId, d.RegionId, d.Kind, d.TaxpayerId, d.InvoiceTitle, identityKey, d.Status, d.AppointedOn);
}
