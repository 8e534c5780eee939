using CustomerProtection.Policy;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Testing;

namespace CustomerProtection.Registration.Tests;

/// <summary>X-1 holdings of a branch's salespeople (Ownership.CountHoldings, for P-11's round robin) on a real redis-server.</summary>
public sealed class HoldingsTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly Harness _h = new(redis);

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1", "S2", "S3");
        await _h.SeedBranchAsync("B-BJ", autoApprove: false, "S9");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static CountHoldings Counter(Harness h) => new(h.Store, h.Organization, h.Clock);

    /// <summary>S1: two protected (one of them formal) and one pending (not counted: X-1 caps protected customers); S2: one that lapses by itself; S3: none.</summary>
    private static async Task<string> HoldingsAsync(Harness h)
    {
        var formal = await h.FileAndApproveAsync("S1", "上海保有一号有限公司");
        await h.Shipments.ByHqAsync(Harness.Hq, formal.Value.Id, null, null, "2026-03-10", "SALE-H1");
        await h.FileAndApproveAsync("S1", "上海保有二号有限公司");
        await h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("上海保有三号有限公司"));
        return (await h.FileAndApproveAsync("S2", "上海保有四号有限公司")).Value.Id;
    }

    [Fact]
    public async Task X1_each_salesperson_holds_their_protected_customers_pending_filings_and_formal_ones_apart_and_a_lapsed_one_stops_counting()
    {
        await HoldingsAsync(_h);

        var counted = await Counter(_h).ExecuteAsync(Harness.Manager("B-SH"), "B-SH", []);

        Assert.Equal(("B-SH", 200, false), (counted.BranchId, counted.HoldingCap, counted.FormalCustomersCount));
        Assert.Equal(
            [new Holding("S1", 1, 3, 1, false), new Holding("S2", 1, 1, 0, false), new Holding("S3", 0, 0, 0, false)],
            counted.Holdings);

        // P-3.5: S2's prospect lapses at the end of its 30 days, with nothing run.
        _h.AdvanceTo(Harness.Start.AddDays(40));
        var later = await Counter(_h).ExecuteAsync(Harness.Secretary("B-SH"), "B-SH", ["S2"]);
        Assert.Equal(new Holding("S2", 0, 0, 0, false), Assert.Single(later.Holdings));
    }

    [Fact]
    public async Task X1_where_formal_customers_count_they_count_and_the_cap_is_reported_reached()
    {
        var book = new PolicyBook([new PolicyVersion(PolicyBook.PolicyStart, PolicyParameters.Defaults with { HoldingCap = 3, HoldingCapCountsFormalCustomers = true })]);
        var h = new Harness(redis, book);
        await HoldingsAsync(h);

        var counted = await Counter(h).ExecuteAsync(Harness.Hq, "B-SH", ["S2", "S1"]);

        Assert.Equal((3, true), (counted.HoldingCap, counted.FormalCustomersCount));
        Assert.Equal([new Holding("S2", 1, 1, 0, false), new Holding("S1", 2, 3, 1, false)], counted.Holdings);

        // The cap is reached by protected customers only: S1's pending filing approved makes three.
        var pending = (await h.Store.IdsByScoreAsync(CustomerProtection.Registration.Persistence.RegistrationKeys.BranchPending("B-SH"), double.NegativeInfinity, 0, 10)).Single();
        await h.Decide.ApproveAsync(Harness.Secretary(), pending);
        Assert.Equal(new Holding("S1", 3, 3, 1, true), Assert.Single((await Counter(h).ExecuteAsync(Harness.Hq, "B-SH", ["S1"])).Holdings));
    }

    [Fact]
    public async Task A_branch_lists_its_salespeople_only_not_those_who_left_or_moved_away()
    {
        await _h.EmployeeAsync("S3", "销售S3", Roles.Salesperson, "B-SH", "M-B-SH", status: "left", version: 2);
        await _h.EmployeeAsync("S2", "销售S2", Roles.Salesperson, "B-BJ", "M-B-BJ", version: 2);

        var shanghai = await Counter(_h).ExecuteAsync(Harness.RegionalManager, "B-SH", []);
        var beijing = await Counter(_h).ExecuteAsync(Harness.Manager("B-BJ"), "B-BJ", []);

        Assert.Equal(["S1"], shanghai.Holdings.Select(x => x.EmployeeId));
        Assert.Equal(["S2", "S9"], beijing.Holdings.Select(x => x.EmployeeId));
    }

    [Fact]
    public async Task Only_the_branchs_staff_its_regional_roles_and_hq_ask_and_only_about_the_branchs_people()
    {
        var counter = Counter(_h);

        await Assert.ThrowsAsync<ScopeDeniedException>(() => counter.ExecuteAsync(Harness.Salesperson("S1"), "B-SH", []));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => counter.ExecuteAsync(Harness.Manager("B-BJ"), "B-SH", []));
        var foreign = await Assert.ThrowsAsync<RequestValidationException>(() => counter.ExecuteAsync(Harness.Manager("B-SH"), "B-SH", ["S1", "S9"]));
        Assert.Equal(["employee_ids[1]"], foreign.Violations.Select(v => v.Field));
        var missing = await Assert.ThrowsAsync<RequestValidationException>(() => counter.ExecuteAsync(Harness.Hq, "", []));
        Assert.Equal(["branch_id"], missing.Violations.Select(v => v.Field));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => counter.ExecuteAsync(Harness.Hq, "B-NONE", []));
    }
}
