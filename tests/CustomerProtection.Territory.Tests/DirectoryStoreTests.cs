using System.Text;
using CustomerProtection.Contracts.Organization;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Storage;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using CustomerProtection.Testing;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using static CustomerProtection.Territory.Tests.ProtoDay;

namespace CustomerProtection.Territory.Tests;

/// <summary>The directory against a real redis-server: atomicity of state + outbox, all-or-nothing import, races.</summary>
public sealed class DirectoryStoreTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly Caller Hq = new("H1", Roles.Hq, null, null);
    private readonly RedisOutbox _outbox = new("territory");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.FromHours(8)));

    private DirectoryStore Store => new(redis.Connection, _outbox, Sealing.Records);
    private IDatabase Db => redis.Connection.GetDatabase();

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<long> OutboxLengthAsync() => await Db.StreamLengthAsync(_outbox.StreamKey);

    private async Task<List<string>> OutboxTypesAsync() =>
        (await Db.StreamRangeAsync(_outbox.StreamKey)).Select(e => (string)e["type"]!).ToList();

    private async Task SeedEastAsync()
    {
        await new CreateRegion(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, new RegionInput("R-EAST", "华东大区"));
        await new CreateBranch(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, new BranchInput("B-SH", "R-EAST", "上海分公司", BranchKinds.Branch, true, null, false));
    }

    [Fact]
    public async Task A_change_writes_its_state_and_its_outbox_entry_in_one_step()
    {
        await new CreateRegion(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, new RegionInput("R-EAST", "华东大区"));

        var stored = await Store.GetRegionAsync("R-EAST");
        Assert.Equal(1, stored!.Version);
        Assert.Equal([typeof(RegionChanged).FullName!], await OutboxTypesAsync());
    }

    [Fact]
    public async Task A_change_whose_version_guard_fails_writes_neither_state_nor_event()
    {
        await new CreateRegion(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, new RegionInput("R-EAST", "华东大区"));
        var before = await OutboxLengthAsync();

        // A stale writer (it read version 0) tries to create the same region.
        var result = await Store.CommitAsync(DirectoryChanges.Region(null, new Region("R-EAST", "覆盖"), _time.GetUtcNow()));

        Assert.False(result.Succeeded);
        Assert.Equal(1, result.Number);
        Assert.Equal("华东大区", (await Store.GetRegionAsync("R-EAST"))!.Value.Name);
        Assert.Equal(before, await OutboxLengthAsync());
    }

    [Fact]
    public async Task Concurrent_creations_of_one_employee_yield_exactly_one_and_one_event()
    {
        await SeedEastAsync();
        var attempts = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            try
            {
                await new HireEmployee(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, new EmployeeInput("E1", "张三" + i, Roles.Salesperson, "B-SH", null, null, null), Day(2024, 1, 2));
                return true;
            }
            catch (PolicyRefusalException ex) when (ex.Code == RefusalCode.AlreadyExists)
            {
                return false;
            }
        }));

        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(ok => ok));
        Assert.Equal(1, (await OutboxTypesAsync()).Count(t => t == typeof(EmployeeJoined).FullName));
    }

    [Fact]
    public async Task P7_point_to_area_dealer_refused_through_the_store_and_nothing_written()
    {
        await SeedEastAsync();
        var before = await OutboxLengthAsync();

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => new AppointDealer(Store, Clocks.Policy(_time)).ExecuteAsync(Hq,
            new DealerInput("D1", "华东经销", "B-SH", null, DealerKinds.PointToArea, null, "无锡华光电子有限公司")));

        Assert.Equal("P-7", refusal.RuleId);
        Assert.Null(await Store.GetDealerAsync("D1"));
        Assert.Equal(before, await OutboxLengthAsync());
    }

    [Fact]
    public async Task P7_a_branch_opened_concurrently_with_a_point_to_area_appointment_never_lets_both_through()
    {
        // The appointment is guarded by the region's version and a new branch bumps it, so of the
        // two racing writes either the branch comes first (dealer refused) or the dealer does.
        for (var round = 0; round < 20; round++)
        {
            await redis.FlushAsync();
            await new CreateRegion(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, new RegionInput("R-WEST", "西部大区"));
            await new CreateRegion(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, new RegionInput("R-HOME", "总部大区"));
            await new CreateBranch(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, new BranchInput("B-HOME", "R-HOME", "总部", BranchKinds.Branch, true, null, false));

            var branch = Task.Run(() => new CreateBranch(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, new BranchInput("B-CD", "R-WEST", "成都分公司", BranchKinds.Branch, true, null, false)));
            var dealer = Task.Run(async () =>
            {
                try
                {
                    await new AppointDealer(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, new DealerInput("D1", "西部经销", "B-HOME", "R-WEST", DealerKinds.PointToArea, null, "成都某某贸易有限公司"));
                    return true;
                }
                catch (PolicyRefusalException)
                {
                    return false;
                }
            });
            await branch;
            var appointed = await dealer;

            Assert.Equal(appointed, await Store.GetDealerAsync("D1") is not null);
            if (appointed)
            {
                // Allowed only if it committed before the branch existed: the outbox keeps commit order.
                var types = await OutboxTypesAsync();
                Assert.True(types.IndexOf(typeof(DealerAppointed).FullName!) < types.LastIndexOf(typeof(BranchChanged).FullName!));
            }
        }
    }

    [Fact]
    public async Task Import_with_one_bad_row_writes_nothing_and_names_the_row()
    {
        var json = """
            {"regions":[{"id":"R-EAST","name":"华东大区"}],
             "branches":[{"id":"B-SH","region_id":"R-EAST","name":"上海分公司","kind":"branch"}],
             "employees":[{"id":"E1","name":"张三","role":"salesperson","branch_id":"B-SH"},
                          {"id":"E2","name":"李四","role":"salesperson","branch_id":"B-NOPE"}]}
            """;

        var error = await Assert.ThrowsAsync<RequestValidationException>(() =>
            new ImportOrganization(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, ImportDocument.ParseJson(Encoding.UTF8.GetBytes(json))));

        Assert.Contains(error.Violations, v => v.Field == "employees[1].branch_id");
        Assert.Empty(await redis.Connection.GetServer(redis.ConnectionString).KeysAsync(pattern: DirectoryKeys.Prefix + "*").ToListAsync());
    }

    [Fact]
    public async Task Import_twice_publishes_nothing_the_second_time()
    {
        var csv = """
            type,id,name,region_id,branch_id,role,manager_id,status,hire_date,kind,direct,taxpayer_id,invoice_title
            region,R-EAST,华东大区,,,,,,,,,,
            branch,B-SH,上海分公司,R-EAST,,,,,,branch,true,,
            employee,E2,李经理,,B-SH,branch_manager,,,2020-05-01,,,,
            employee,E1,张三,,B-SH,salesperson,E2,,2024-01-02,,,,
            dealer,D1,上海经销,,B-SH,,,,,point_to_point,,,上海某某贸易有限公司
            """;
        var import = new ImportOrganization(Store, Clocks.Policy(_time));

        var first = await import.ExecuteAsync(Hq, ImportDocument.ParseCsv(Encoding.UTF8.GetBytes(csv)));
        var afterFirst = await OutboxLengthAsync();
        var second = await import.ExecuteAsync(Hq, ImportDocument.ParseCsv(Encoding.UTF8.GetBytes(csv)));

        Assert.Equal(new ImportCounts(2, 0, 0), first.Employees);
        Assert.Equal(5, first.EventsPublished);
        Assert.Equal(new ImportCounts(0, 0, 2), second.Employees);
        Assert.Equal(0, second.EventsPublished);
        Assert.Equal(afterFirst, await OutboxLengthAsync());
        Assert.Equal("E2", (await Store.GetEmployeeAsync("E1"))!.Value.ManagerId);
    }

    [Fact]
    public async Task Import_takes_an_optional_email_column_into_the_directory_and_its_events_and_refuses_a_bad_one_by_field()
    {
        var csv = """
            type,id,name,region_id,branch_id,role,manager_id,status,hire_date,email
            region,R-EAST,华东大区,,,,,,,
            branch,B-SH,上海分公司,R-EAST,,,,,,
            employee,E1,张三,,B-SH,salesperson,,,2024-01-02,zhangsan@example.com
            employee,E2,李四,,B-SH,salesperson,,,2024-01-02,
            """;
        var import = new ImportOrganization(Store, Clocks.Policy(_time));

        await import.ExecuteAsync(Hq, ImportDocument.ParseCsv(Encoding.UTF8.GetBytes(csv)));
        var json = """{"employees":[{"id":"E3","name":"王五","role":"salesperson","branch_id":"B-SH","email":"not an address"}]}""";
        var refused = await Assert.ThrowsAsync<RequestValidationException>(() => import.ExecuteAsync(Hq, ImportDocument.ParseJson(Encoding.UTF8.GetBytes(json))));

        Assert.Equal(("zhangsan@example.com", null), ((await Store.GetEmployeeAsync("E1"))!.Value.Email, (await Store.GetEmployeeAsync("E2"))!.Value.Email));
        var joined = (await Db.StreamRangeAsync(_outbox.StreamKey)).Where(e => (string)e["type"]! == typeof(EmployeeJoined).FullName)
            .Select(e => System.Text.Json.JsonSerializer.Deserialize<EmployeeJoined>((string)e["body"]!, RedisOutbox.Json)!.Employee).ToList();
        Assert.Equal([("E1", "zhangsan@example.com"), ("E2", null)], joined.Select(e => (e.EmployeeId, e.Email)).Order());
        Assert.Equal("employees[0].email", Assert.Single(refused.Violations).Field);
    }

    [Fact]
    public async Task Import_refuses_a_point_to_area_dealer_where_the_import_opens_a_direct_branch()
    {
        var json = """
            {"regions":[{"id":"R-EAST","name":"华东大区"}],
             "branches":[{"id":"B-SH","region_id":"R-EAST","name":"上海分公司","kind":"branch","direct":true}],
             "dealers":[{"id":"D1","name":"华东经销","branch_id":"B-SH","kind":"point_to_area","invoice_title":"某某贸易有限公司"}]}
            """;

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() =>
            new ImportOrganization(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, ImportDocument.ParseJson(Encoding.UTF8.GetBytes(json))));

        Assert.Equal("P-7", refusal.RuleId);
        Assert.Equal(0, await OutboxLengthAsync());
    }

    [Fact]
    public async Task Recording_a_departure_publishes_EmployeeLeft_once()
    {
        await SeedEastAsync();
        await new HireEmployee(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, new EmployeeInput("E1", "张三", Roles.Salesperson, "B-SH", null, null, null), null);

        var left = await new RecordEmployeeLeft(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, "E1", null, "辞职");
        await new RecordEmployeeLeft(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, "E1", null, "again");

        Assert.Equal(EmployeeStatuses.Left, left.Value.Status);
        Assert.Equal(new DateOnly(2026, 3, 10), left.Value.LeftOn);
        Assert.Equal(1, (await OutboxTypesAsync()).Count(t => t == typeof(EmployeeLeft).FullName));
    }

    [Fact]
    public async Task A_branch_manager_cannot_hire_into_another_branch()
    {
        await SeedEastAsync();
        await new CreateBranch(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, new BranchInput("B-HZ", "R-EAST", "杭州分公司", BranchKinds.Branch, true, null, false));
        var manager = new Caller("BM1", Roles.BranchManager, "B-SH", "R-EAST");

        await Assert.ThrowsAsync<ScopeDeniedException>(() => new HireEmployee(Store, Clocks.Policy(_time))
            .ExecuteAsync(manager, new EmployeeInput("E5", "王五", Roles.Salesperson, "B-HZ", null, null, null), null));
        Assert.Null(await Store.GetEmployeeAsync("E5"));
    }

    [Fact]
    public async Task Lists_page_in_id_order_and_filter_by_role()
    {
        await SeedEastAsync();
        for (var i = 1; i <= 7; i++)
        {
            var role = i % 2 == 0 ? Roles.BranchSecretary : Roles.Salesperson;
            await new HireEmployee(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, new EmployeeInput($"E{i}", "员工" + i, role, "B-SH", null, null, null), null);
        }

        var query = new QueryDirectory(Store);
        var first = await query.EmployeesAsync(new DirectoryQuery(2, null, null, "B-SH", Roles.Salesperson, null));
        var second = await query.EmployeesAsync(new DirectoryQuery(2, first.NextPageToken, null, "B-SH", Roles.Salesperson, null));

        Assert.Equal(["E1", "E3"], first.Items.Select(e => e.Value.Id));
        Assert.Equal(["E5", "E7"], second.Items.Select(e => e.Value.Id));
    }
}
