using CustomerProtection.Storage;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace CustomerProtection.Registration.Tests;

/// <summary>
/// ListCustomers, the list people ask for every day, on a real redis-server: expiry (P-3.5: protected and
/// ending within N days, soonest first, with the days remaining computed now), status computed when asked
/// (a lapsed customer is listed as lapsed before the due-queue runs; rejected filings stay findable), stage
/// and class (M-1), who may list what (hq the company, branch staff their branch, an owner their own), paging.
/// </summary>
public sealed class ListCustomersTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private readonly Harness _h = new(redis);

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1", "S2");
        await _h.SeedBranchAsync("B-BJ", autoApprove: false, "BJ1");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static CustomerFilter Filter(int expiresWithinDays = 0, string[]? statuses = null, string[]? stages = null, string[]? classes = null) =>
        new(new HashSet<string>(statuses ?? []), new HashSet<string>(stages ?? []), new HashSet<string>(classes ?? []), expiresWithinDays);

    private Task<CustomerPage> ListAsync(Caller caller, CustomerFilter filter, string? branch = null, string? owner = null, int pageSize = 0, string? token = null) =>
        _h.ListCustomers.ExecuteAsync(caller, branch, owner, filter, pageSize, token);

    private static List<string> Ids(CustomerPage page) => [.. page.Items.Select(i => i.Customer.Value.Id)];

    private static List<string> Sorted(IEnumerable<string> ids) => [.. ids.OrderBy(long.Parse)];

    /// <summary>Three S-H customers approved ten days apart, one of B-BJ, one pending filing; the clock on 2026-04-01.</summary>
    private async Task<(string A, string B, string C, string Bj)> SeedPeriodsAsync()
    {
        var a = (await _h.FileAndApproveAsync("S1", "甲方科技有限公司")).Value.Id;
        _h.AdvanceTo(new DateTimeOffset(2026, 3, 20, 9, 0, 0, Shanghai));
        var b = (await _h.FileAndApproveAsync("S2", "乙方科技有限公司")).Value.Id;
        var bj = (await _h.FileAndApproveAsync("BJ1", "北京丙方科技有限公司", branch: "B-BJ")).Value.Id;
        _h.AdvanceTo(new DateTimeOffset(2026, 3, 30, 9, 0, 0, Shanghai));
        var c = (await _h.FileAndApproveAsync("S1", "丁方科技有限公司")).Value.Id;
        await _h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("待审科技有限公司"));
        _h.AdvanceTo(new DateTimeOffset(2026, 4, 1, 9, 0, 0, Shanghai));
        return (a, b, c, bj);
    }

    [Fact]
    public async Task P3_5_expires_within_days_lists_the_protected_customers_ending_within_N_days_soonest_first_with_their_days_remaining()
    {
        var (a, b, c, bj) = await SeedPeriodsAsync();
        var today = _h.Clock.Today;

        var within14 = await ListAsync(Harness.Hq, Filter(expiresWithinDays: 14));
        var within20 = await ListAsync(Harness.Hq, Filter(expiresWithinDays: 20));
        var within60 = await ListAsync(Harness.Hq, Filter(expiresWithinDays: 60));

        Assert.Equal([a], Ids(within14));
        Assert.Equal(a, Ids(within20)[0]);
        Assert.Equal(Sorted([a, b, bj]), Sorted(Ids(within20)));
        Assert.Equal(4, within60.Items.Count);
        Assert.Equal(c, Ids(within60)[^1]);
        Assert.Null(within60.NextPageToken);
        Assert.All(within60.Items, item =>
        {
            // P-3.5: the days from today to the last protected day, as the period computes it now.
            var lastDay = item.State.End!.LastDay;
            Assert.Equal(Period.Between(today, lastDay, PeriodUnits.Days).Days, item.State.DaysRemaining);
            Assert.InRange(item.State.DaysRemaining!.Value, 0, 60);
        });
        Assert.True(within60.Items.Select(i => i.State.End!.EndsAt).SequenceEqual(within60.Items.Select(i => i.State.End!.EndsAt).Order()));
        Assert.True(within14.Items[0].State.DaysRemaining <= 14);
        Assert.True((await _h.Query.GetAsync(Harness.Hq, b)).State.DaysRemaining > 14);
    }

    [Fact]
    public async Task P3_5_the_expiry_list_is_the_callers_scope_hq_company_wide_branch_staff_their_branch_an_owner_their_own()
    {
        var (a, b, c, bj) = await SeedPeriodsAsync();

        Assert.Equal(Sorted([a, b, c, bj]), Sorted(Ids(await ListAsync(Harness.Hq, Filter(expiresWithinDays: 60)))));
        Assert.Equal(Sorted([a, b, c]), Sorted(Ids(await ListAsync(Harness.Secretary(), Filter(expiresWithinDays: 60)))));
        Assert.Equal(Sorted([a, b, c]), Sorted(Ids(await ListAsync(Harness.Hq, Filter(expiresWithinDays: 60), branch: "B-SH"))));
        Assert.Equal([a, c], Ids(await ListAsync(Harness.Salesperson("S1"), Filter(expiresWithinDays: 60))));
        Assert.Equal([a, c], Ids(await ListAsync(Harness.Manager(), Filter(expiresWithinDays: 60), owner: "S1")));
        Assert.Equal([bj], Ids(await ListAsync(Harness.Secretary("B-BJ"), Filter(expiresWithinDays: 60))));
    }

    [Fact]
    public async Task P3_5_expiry_pages_with_the_token_in_order_without_loss_or_repeat()
    {
        var (a, b, c, bj) = await SeedPeriodsAsync();
        var all = Ids(await ListAsync(Harness.Hq, Filter(expiresWithinDays: 60)));

        var paged = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await ListAsync(Harness.Hq, Filter(expiresWithinDays: 60), pageSize: 1, token: token);
            Assert.True(page.Items.Count <= 1);
            paged.AddRange(Ids(page));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(all, paged);
        Assert.Equal(Sorted([a, b, c, bj]), Sorted(paged));
    }

    [Fact]
    public async Task P3_5_a_lapsed_customer_is_listed_as_lapsed_before_the_due_queue_runs_and_rejected_filings_are_not_dropped()
    {
        var lapsing = (await _h.FileAndApproveAsync("S1", "到期科技有限公司")).Value.Id;
        var (filed, _) = await _h.File.ExecuteAsync(Harness.Salesperson("S2"), Harness.Filing("驳回科技有限公司"));
        await _h.Decide.RejectAsync(Harness.Secretary(), filed.Value.Id, "证据不足");
        var (pending, _) = await _h.File.ExecuteAsync(Harness.Salesperson("S2"), Harness.Filing("待审科技有限公司"));
        _h.AdvanceTo(new DateTimeOffset(2026, 6, 1, 9, 0, 0, Shanghai)); // past the 30-day prospect period (P-3.2)

        Assert.Equal(CustomerStatus.Protected, (await _h.CustomerAsync(lapsing)).Status); // stored; nothing processed it yet
        foreach (var caller in new[] { Harness.Hq, Harness.Secretary() })
        {
            Assert.Equal([lapsing], Ids(await ListAsync(caller, Filter(statuses: [CustomerStatus.Lapsed]))));
            Assert.Equal([filed.Value.Id], Ids(await ListAsync(caller, Filter(statuses: [CustomerStatus.Rejected]))));
            Assert.Equal([pending.Value.Id], Ids(await ListAsync(caller, Filter(statuses: [CustomerStatus.Pending]))));
            Assert.Empty((await ListAsync(caller, Filter(statuses: [CustomerStatus.Protected]))).Items);
            Assert.Equal([lapsing, filed.Value.Id], Ids(await ListAsync(caller, Filter(statuses: [CustomerStatus.Lapsed, CustomerStatus.Rejected]))));
            Assert.Empty((await ListAsync(caller, Filter(expiresWithinDays: 3660))).Items);
        }

        var listed = (await ListAsync(Harness.Hq, Filter(statuses: [CustomerStatus.Lapsed]))).Items.Single();
        Assert.Null(listed.State.DaysRemaining);
    }

    [Fact]
    public async Task M1_stage_and_class_filters_keep_the_customers_of_any_value_given()
    {
        var (important, _) = await _h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("重要科技有限公司") with { Class = CustomerClasses.Important });
        await _h.Decide.ApproveAsync(Harness.Secretary(), important.Value.Id);
        var (ordinary, _) = await _h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("普通科技有限公司") with { Class = CustomerClasses.Ordinary });
        await _h.Decide.ApproveAsync(Harness.Secretary(), ordinary.Value.Id);
        var potential = (await _h.FileAndApproveAsync("S2", "潜在科技有限公司")).Value.Id;
        await _h.Shipments.ByHqAsync(Harness.Hq, ordinary.Value.Id, null, null, _h.Clock.TodayDate.ToString("yyyy-MM-dd", null), "SALE-1"); // P-1.1: formal

        Assert.Equal([important.Value.Id], Ids(await ListAsync(Harness.Hq, Filter(classes: [CustomerClasses.Important]))));
        Assert.Equal([important.Value.Id, potential], Ids(await ListAsync(Harness.Hq, Filter(classes: [CustomerClasses.Important, CustomerClasses.Potential]))));
        Assert.Equal([ordinary.Value.Id], Ids(await ListAsync(Harness.Hq, Filter(stages: [Stages.Formal]))));
        Assert.Equal([important.Value.Id, potential], Ids(await ListAsync(Harness.Hq, Filter(stages: [Stages.Prospect]))));
        Assert.Empty((await ListAsync(Harness.Secretary(), Filter(stages: [Stages.Formal], classes: [CustomerClasses.Important]))).Items);
    }

    [Fact]
    public async Task A_page_reads_a_bounded_number_of_customers_and_says_where_to_go_on()
    {
        for (var i = 0; i < 45; i++)
        {
            await _h.FileAndApproveAsync("S1", $"批量{i:00}科技有限公司");
        }

        var (rare, _) = await _h.File.ExecuteAsync(Harness.Salesperson("S2"), Harness.Filing("稀有科技有限公司") with { Class = CustomerClasses.Important });

        // Page size 2: 40 customers read at most, none of them important: an empty page that goes on.
        var first = await ListAsync(Harness.Hq, Filter(classes: [CustomerClasses.Important]), pageSize: 2);
        Assert.Empty(first.Items);
        Assert.NotNull(first.NextPageToken);
        var found = new List<string>();
        var token = first.NextPageToken;
        for (var pages = 0; token is not null && pages < 100; pages++)
        {
            var page = await ListAsync(Harness.Hq, Filter(classes: [CustomerClasses.Important]), pageSize: 2, token: token);
            found.AddRange(Ids(page));
            token = page.NextPageToken;
        }

        Assert.Null(token);
        Assert.Equal([rare.Value.Id], found);
    }

    [Fact]
    public async Task Bad_requests_are_InvalidArgument_with_the_field_and_other_peoples_lists_PermissionDenied()
    {
        await _h.FileAndApproveAsync("S1", "甲方科技有限公司");

        async Task<string> FieldAsync(Func<Task> call) => Assert.Single((await Assert.ThrowsAsync<RequestValidationException>(call)).Violations).Field;

        Assert.Equal("owner_id", await FieldAsync(() => ListAsync(Harness.Hq, Filter(), branch: "B-SH", owner: "S1")));
        Assert.Equal("page_size", await FieldAsync(() => ListAsync(Harness.Hq, Filter(), pageSize: PageSizes.Max + 1)));
        Assert.Equal("expires_within_days", await FieldAsync(() => ListAsync(Harness.Hq, Filter(expiresWithinDays: -1))));
        Assert.Equal("page_token", await FieldAsync(() => ListAsync(Harness.Hq, Filter(), token: "b.5")));
        Assert.Equal("page_token", await FieldAsync(() => ListAsync(Harness.Hq, Filter(expiresWithinDays: 5), token: "c.5")));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => ListAsync(Harness.Salesperson("S1"), Filter(), branch: "B-SH"));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => ListAsync(Harness.Salesperson("S1"), Filter(), owner: "S2"));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => ListAsync(Harness.Secretary("B-BJ"), Filter(), branch: "B-SH"));
    }

    [Fact]
    public async Task Layout_6_puts_the_protected_customers_of_an_earlier_layout_in_the_expiry_indexes()
    {
        var (a, b, c, bj) = await SeedPeriodsAsync();
        // As an earlier layout left them: no index by the end of protection.
        var server = redis.Connection.GetServer(redis.ConnectionString);
        var ending = await server.KeysAsync(pattern: RegistrationKeys.Prefix + "*ending:*").ToListAsync();
        Assert.NotEmpty(ending);
        await _h.Db.KeyDeleteAsync([.. ending]);
        await _h.Db.StringSetAsync(StorageMigration.Marker, "5");
        Assert.Empty((await ListAsync(Harness.Hq, Filter(expiresWithinDays: 60))).Items);

        await new StorageMigration(redis.Connection, _h.Replica, _h.Clock, NullLogger<StorageMigration>.Instance).MigrateAsync();

        Assert.Equal(Sorted([a, b, c, bj]), Sorted(Ids(await ListAsync(Harness.Hq, Filter(expiresWithinDays: 60)))));
        Assert.Equal(Sorted([a, b, c]), Sorted(Ids(await ListAsync(Harness.Secretary(), Filter(expiresWithinDays: 60)))));
    }
}
