using CustomerProtection.Contracts.Organization;
using CustomerProtection.Registration.Consumers;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Testing;

namespace CustomerProtection.Registration.Tests;

/// <summary>Registration's copy of the organisation on a real redis-server: idempotent and order-safe.</summary>
public sealed class OrganizationReplicaStoreTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private OrganizationReplicaStore Store => new(redis.Connection);

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static EmployeeSnapshot Employee(string manager, string status = "active") =>
        new("E1", "张三", "salesperson", "B-SH", "R-EAST", manager, status, new DateOnly(2024, 1, 2), null);

    private static DealerSnapshot Dealer(string status, string key = "uscc:91350100M000100Y43") =>
        new("D1", "上海经销", "B-SH", "R-EAST", "point_to_point", "91350100M000100Y43", "上海某某贸易有限公司", key, status, new DateOnly(2026, 1, 5));

    [Fact]
    public async Task A_redelivered_event_changes_nothing()
    {
        Assert.True(await Store.ApplyAsync(OrganizationReplicaStore.Employee, "E1", 1, Employee("M1")));
        Assert.False(await Store.ApplyAsync(OrganizationReplicaStore.Employee, "E1", 1, Employee("M-OTHER")));

        Assert.Equal("M1", (await Store.GetAsync<EmployeeSnapshot>(OrganizationReplicaStore.Employee, "E1"))!.Value.ManagerId);
    }

    [Fact]
    public async Task A_late_older_version_never_overwrites_a_newer_copy()
    {
        await Store.ApplyAsync(OrganizationReplicaStore.Employee, "E1", 3, Employee("M3", "left"));
        await Store.ApplyAsync(OrganizationReplicaStore.Employee, "E1", 2, Employee("M2"));

        var copy = await Store.GetAsync<EmployeeSnapshot>(OrganizationReplicaStore.Employee, "E1");
        Assert.Equal(3, copy!.Version);
        Assert.Equal("left", copy.Value.Status);
    }

    [Fact]
    public async Task P6_an_active_dealer_identity_is_listed_and_a_terminated_one_is_not()
    {
        await DealerCopy.ApplyAsync(Store, Dealer("active"), 1);
        Assert.Equal("D1", await Store.DealerWithIdentityAsync("uscc:91350100M000100Y43"));

        await DealerCopy.ApplyAsync(Store, Dealer("terminated"), 2);
        Assert.Null(await Store.DealerWithIdentityAsync("uscc:91350100M000100Y43"));

        // The appointment delivered again after the termination must not resurrect the identity.
        await DealerCopy.ApplyAsync(Store, Dealer("active"), 1);
        Assert.Null(await Store.DealerWithIdentityAsync("uscc:91350100M000100Y43"));
    }

    [Fact]
    public async Task Concurrent_deliveries_of_many_versions_end_on_the_newest()
    {
        var versions = Enumerable.Range(1, 50).OrderBy(_ => Random.Shared.Next()).ToList();
        await Parallel.ForEachAsync(versions, async (v, _) =>
            await Store.ApplyAsync(OrganizationReplicaStore.Employee, "E1", v, Employee("M" + v)));

        var copy = await Store.GetAsync<EmployeeSnapshot>(OrganizationReplicaStore.Employee, "E1");
        Assert.Equal(50, copy!.Version);
        Assert.Equal("M50", copy.Value.ManagerId);
    }
}
