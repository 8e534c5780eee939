using System.Text.Json;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Storage;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using CustomerProtection.Testing;
using Microsoft.Extensions.Time.Testing;
using static CustomerProtection.Territory.Tests.ProtoDay;

namespace CustomerProtection.Territory.Tests;

/// <summary>P-11, X-5 against a real redis-server: assignments in the published order, visible, never two on one turn.</summary>
public sealed class OpportunityStoreTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly Caller Hq = new("HQ1", Roles.Hq, null, null);
    private readonly RedisOutbox _outbox = new("territory");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.FromHours(8)));
    private readonly KnownHoldings _holdings = new();

    private DirectoryStore Directory => new(redis.Connection, _outbox, Sealing.Records);
    private DistributeOpportunities Distribute => new(new SalesStore(redis.Connection, Directory), _holdings, Clocks.Policy(_time));

    private sealed class KnownHoldings : IHoldingCounts
    {
        public Dictionary<string, int> Counts { get; } = [];

        public Task<IReadOnlyDictionary<string, int>> CountAsync(IReadOnlyCollection<Employee> salespeople, bool countFormalCustomers, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, int>>(salespeople.ToDictionary(e => e.Id, e => Counts.GetValueOrDefault(e.Id)));
    }

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await new CreateRegion(Directory, Clocks.Policy(_time)).ExecuteAsync(Hq, new RegionInput("R-EAST", "华东大区"));
        await new CreateBranch(Directory, Clocks.Policy(_time)).ExecuteAsync(Hq, new BranchInput("B-SH", "R-EAST", "上海分公司", BranchKinds.Branch, true, null, false));
        foreach (var id in new[] { "S1", "S2", "S3", "S4" })
        {
            await new HireEmployee(Directory, Clocks.Policy(_time)).ExecuteAsync(Hq, new EmployeeInput(id, "销售" + id, Roles.Salesperson, "B-SH", null, null, null), Day(2024, 1, 2));
        }

        await new HireEmployee(Directory, Clocks.Policy(_time)).ExecuteAsync(Hq, new EmployeeInput("SEC", "秘书", Roles.BranchSecretary, "B-SH", null, null, null), Day(2024, 1, 2));
        await new ChangeEmployee(Directory, Clocks.Policy(_time)).ExecuteAsync(Hq, new EmployeeUpdate("S2", null, null, null, null, null, EmployeeStatuses.OnLeave, 0));
        await new RecordEmployeeLeft(Directory, Clocks.Policy(_time)).ExecuteAsync(Hq, "S4", null, "辞职");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<Opportunity> PublishAsync(string name, Caller? by = null, string? requestId = null) =>
        Distribute.PublishAsync(by ?? Hq, new OpportunityInput(requestId, "外部商机 " + name, null, "B-SH", null), default);

    [Fact]
    public async Task P11_X5_opportunities_go_round_robin_skipping_leave_and_the_holding_cap_and_the_rotation_shows_every_assignment()
    {
        _holdings.Counts["S3"] = PolicyBook.Default.For(PolicyBook.PolicyStart).HoldingCap;

        var first = await PublishAsync("O1");
        var second = await PublishAsync("O2", new Caller("SEC", Roles.BranchSecretary, "B-SH", "R-EAST"));

        Assert.Equal("S1", first.AssigneeId);
        Assert.Equal("S1", second.AssigneeId);
        Assert.Equal([("S2", "on_leave"), ("S3", "at_holding_cap")], second.Skipped.Select(s => (s.EmployeeId, s.Reason)));

        _holdings.Counts["S3"] = 0;
        var third = await PublishAsync("O3");
        Assert.Equal("S3", third.AssigneeId);

        var rotation = await Distribute.RotationAsync("B-SH", null);
        Assert.Equal(["S1", "S2", "S3"], rotation.Order);
        Assert.Equal([first.Id, second.Id, third.Id], rotation.Assignments.Select(a => a.Id));
        Assert.Equal("S3", rotation.LastAssigneeId);
    }

    [Fact]
    public async Task P11_opportunities_published_at_once_take_successive_turns_never_the_same_one()
    {
        // Five at once: each round of the optimistic retry lets at least one through (Conflicts: five attempts).
        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => Task.Run(() => PublishAsync("C" + i))));

        var assignees = (await Distribute.RotationAsync("B-SH", null)).Assignments.Select(a => a.AssigneeId).ToList();
        Assert.Equal(["S1", "S3", "S1", "S3", "S1"], assignees);
        var events = (await redis.Connection.GetDatabase().StreamRangeAsync(_outbox.StreamKey))
            .Where(e => (string)e["type"]! == typeof(OpportunityAssigned).FullName).ToList();
        Assert.Equal(5, events.Count);
    }

    [Fact]
    public async Task P11_a_branch_publishes_only_to_its_own_pool()
    {
        await Assert.ThrowsAsync<ScopeDeniedException>(() =>
            Distribute.PublishAsync(new Caller("SEC", Roles.BranchSecretary, "B-BJ", "R-NORTH"), new OpportunityInput(null, "商机", null, "B-SH", null), default));
        await Assert.ThrowsAsync<ScopeDeniedException>(() =>
            Distribute.PublishAsync(new Caller("S1", Roles.Salesperson, "B-SH", "R-EAST"), new OpportunityInput(null, "商机", null, "B-SH", null), default));
    }

    /// <summary>docs/api.md: the server makes the id; the same request_id again is the first publication, nothing more.</summary>
    [Fact]
    public async Task X5_the_server_makes_the_id_and_a_retry_with_the_same_request_id_publishes_nothing_more()
    {
        var first = await PublishAsync("O1", requestId: "retry-1");
        var retried = await PublishAsync("O1", requestId: "retry-1");
        var another = await PublishAsync("O1");

        Assert.Matches("^OP-[0-9a-f]{24}$", first.Id);
        Assert.Equal((first.Id, first.AssigneeId, first.PublishedAt), (retried.Id, retried.AssigneeId, retried.PublishedAt));
        Assert.NotEqual(first.Id, another.Id);
        Assert.Equal([first.Id, another.Id], (await Distribute.RotationAsync("B-SH", null)).Assignments.Select(a => a.Id));
        var events = (await redis.Connection.GetDatabase().StreamRangeAsync(_outbox.StreamKey))
            .Count(e => (string)e["type"]! == typeof(OpportunityAssigned).FullName);
        Assert.Equal(2, events);
    }

    [Fact]
    public async Task X5_a_request_id_reused_for_another_title_is_refused_on_request_id_and_changes_nothing()
    {
        var first = await PublishAsync("O1", requestId: "retry-1");

        var error = await Assert.ThrowsAsync<RequestValidationException>(() => PublishAsync("O2", requestId: "retry-1"));

        Assert.Equal("request_id", Assert.Single(error.Violations).Field);
        Assert.Equal([first.Id], (await Distribute.RotationAsync("B-SH", null)).Assignments.Select(a => a.Id));
    }

    [Fact]
    public async Task X5_an_opportunity_stored_under_a_caller_chosen_id_is_still_read()
    {
        var old = new Opportunity("O-2025-17", "旧商机", null, "branch:B-SH", "HQ1", _time.GetUtcNow(), "S1", 0, []);
        var key = DirectoryKeys.Entity(SalesKeys.Opportunity, old.Id);
        Assert.True((await Directory.CommitAsync(new AtomicChange().Expect(key, 0).Put(key, 1, DirectoryStore.Encode(old)))).Succeeded);

        var read = await Distribute.GetAsync("O-2025-17");
        Assert.Equal((old.Id, old.Title, old.PoolId, old.AssigneeId), (read.Id, read.Title, read.PoolId, read.AssigneeId));
    }
}
