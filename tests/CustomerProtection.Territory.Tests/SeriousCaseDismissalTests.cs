using System.Text.Json;
using CustomerProtection.Contracts.Organization;
using CustomerProtection.Contracts.Penalty;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Storage;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using CustomerProtection.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace CustomerProtection.Territory.Tests;

/// <summary>P-8.3: hq's dismissal in a serious case (Penalty's SeriousCaseDeclared) starts the leaver flow (P-12, C-9) once, against a real redis-server.</summary>
public sealed class SeriousCaseDismissalTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly Caller Hq = new("H1", Roles.Hq, null, null);
    private readonly RedisOutbox _outbox = new("territory");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.FromHours(8)));

    private DirectoryStore Store => new(redis.Connection, _outbox, Sealing.Records);
    private RecordEmployeeLeft Leave => new(Store, Clocks.Policy(_time));

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await new CreateRegion(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, new RegionInput("R-EAST", "华东大区"));
        await new CreateBranch(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, new BranchInput("B-SH", "R-EAST", "上海分公司", BranchKinds.Branch, true, null, false));
        await new HireEmployee(Store, Clocks.Policy(_time)).ExecuteAsync(Hq, new EmployeeInput("E1", "张三", Roles.Salesperson, "B-SH", null, null, null), null);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static SeriousCaseDeclared Declared(bool dismissal, DateTimeOffset at) =>
        new("V1", "P-5", "E1", Roles.Salesperson, "B-SH", 90_000m, dismissal, "多次抢单 / repeated poaching", "HQ-1", at);

    private async Task<List<JsonElement>> EmployeeLeftEventsAsync() =>
        [.. (await redis.Connection.GetDatabase().StreamRangeAsync(_outbox.StreamKey))
            .Where(e => (string)e["type"]! == typeof(EmployeeLeft).FullName)
            .Select(e => JsonDocument.Parse((string)e["body"]!).RootElement)];

    [Fact]
    public async Task P8_3_a_dismissal_records_the_departure_on_the_day_of_the_declaration_once_however_often_it_arrives()
    {
        // 23:30 Shanghai on 2026-03-11: the day is Shanghai's, not UTC's.
        var at = new DateTimeOffset(2026, 3, 11, 23, 30, 0, TimeSpan.FromHours(8));

        await Leave.DismissAsync(Declared(dismissal: true, at));
        await Leave.DismissAsync(Declared(dismissal: true, at));

        var employee = (await Store.GetEmployeeAsync("E1"))!.Value;
        Assert.Equal((EmployeeStatuses.Left, new DateOnly(2026, 3, 11)), (employee.Status, employee.LeftOn));
        var left = Assert.Single(await EmployeeLeftEventsAsync());
        Assert.Contains("P-8.3", left.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task P8_3_a_serious_case_without_dismissal_or_about_an_unknown_employee_changes_nothing()
    {
        await Leave.DismissAsync(Declared(dismissal: false, _time.GetUtcNow()));
        await Leave.DismissAsync(Declared(dismissal: true, _time.GetUtcNow()) with { EmployeeId = "E404" });

        Assert.Equal(EmployeeStatuses.Active, (await Store.GetEmployeeAsync("E1"))!.Value.Status);
        Assert.Empty(await EmployeeLeftEventsAsync());
    }
}
