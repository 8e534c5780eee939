using CustomerProtection.Policy.Actors;
using CustomerProtection.Storage;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using CustomerProtection.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using static CustomerProtection.Territory.Tests.ProtoDay;

namespace CustomerProtection.Territory.Tests;

/// <summary>
/// The sales side on a real redis-server, as the sales tests share it: an empty database with regions R-EAST and
/// R-WEST, branch B-SH (manager M1, salespeople S1 and S2), the store and the two use cases that record and
/// authorise sales, a fake clock at 2026-03-10 09:00 (UTC+8), and the outbox emptied of the set-up's events.
/// </summary>
public abstract class SalesRig(RedisServer redis) : IAsyncLifetime
{
    protected const string Taxpayer = "91350100M000100Y43";
    protected const string Key = "uscc:" + Taxpayer;
    protected static readonly Caller Hq = new("HQ1", Roles.Hq, null, null);
    protected RedisOutbox Outbox { get; } = new("territory");
    protected FakeTimeProvider FakeClock { get; } = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.FromHours(8)));
    protected InMemoryOwnership Owners { get; } = new();

    protected RedisServer Redis => redis;

    protected DirectoryStore Directory => new(redis.Connection, Outbox, Sealing.Records);
    protected SalesStore Store => new(redis.Connection, Directory);
    protected RecordSale Recorder => new(Store, Owners, new SaleFactsReader(Store, Owners), Clocks.Policy(FakeClock));
    protected AuthorizeSale Authorizer => new(Store, Owners, new SaleFactsReader(Store, Owners), Clocks.Policy(FakeClock));
    protected IDatabase Db => redis.Connection.GetDatabase();

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await new CreateRegion(Directory, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new RegionInput("R-EAST", "华东大区"));
        await new CreateRegion(Directory, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new RegionInput("R-WEST", "西部大区"));
        await new CreateBranch(Directory, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new BranchInput("B-SH", "R-EAST", "上海分公司", BranchKinds.Branch, true, null, false));
        await new HireEmployee(Directory, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new EmployeeInput("M1", "李经理", Roles.BranchManager, "B-SH", null, null, null), Day(2020, 1, 1));
        await new HireEmployee(Directory, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new EmployeeInput("S1", "张三", Roles.Salesperson, "B-SH", null, "M1", null), Day(2024, 1, 2));
        await new HireEmployee(Directory, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new EmployeeInput("S2", "王五", Roles.Salesperson, "B-SH", null, null, null), Day(2024, 1, 2));
        await Db.KeyDeleteAsync(Outbox.StreamKey);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
