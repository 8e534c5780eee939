using CustomerProtection.Policy;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Testing;

namespace CustomerProtection.Registration.Tests;

/// <summary>
/// ListPool searchable (P-12): by part of the name or the start of the taxpayer id and by class, each customer with
/// who may claim it today — a leaver's customer's priority window (P-12) and the previous owner's cool-down —
/// as the claim rules compute them; on a real redis-server.
/// </summary>
public sealed class PoolSearchTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private readonly Harness _h = new(redis);

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1", "S2", "S3");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<CustomerPage> PoolAsync(string? text = null, string[]? classes = null, int pageSize = 0, string? token = null) =>
        _h.ListCustomers.PoolAsync(Harness.Salesperson("S3"), "B-SH", CustomerFilter.None with { Text = text, Classes = new HashSet<string>(classes ?? []) }, pageSize, token);

    [Fact]
    public async Task P12_X2_the_pool_is_searched_by_name_taxpayer_id_and_class_and_shows_the_priority_window_and_the_cool_down()
    {
        var taxpayerId = Harness.NewTaxpayerId();
        var lapsing = (await _h.FileAndApproveAsync("S2", "华东精密仪器有限公司", taxpayerId)).Value.Id;
        _h.AdvanceTo(new DateTimeOffset(2026, 4, 20, 9, 0, 0, Shanghai)); // past the 30-day prospect period (P-3.2)
        await _h.DrainDueAsync();
        var (important, _) = await _h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("离职重要客户有限公司") with { Class = CustomerClasses.Important });
        await _h.Decide.ApproveAsync(Harness.Secretary(), important.Value.Id);
        var ordinary = (await _h.FileAndApproveAsync("S1", "离职普通客户有限公司")).Value.Id;
        await _h.Leavers.ExecuteAsync("S1", "辞职");
        var today = _h.Clock.Today;
        var cooldown = PolicyParameters.Defaults.PoolReclaimCooldownDays;

        var all = await PoolAsync();
        Assert.Equal([lapsing, important.Value.Id, ordinary], all.Items.Select(i => i.Customer.Value.Id));
        var leaver = all.Items[1].PoolClaims!;
        // P-12: the leaver's customers are for priority claimants for 3 days; X-2: the leaver may not take them back.
        Assert.Equal((Protection.Date(today.PlusDays(new PoolOptions().PriorityDays)), "S1", Protection.Date(today.PlusDays(cooldown))),
            (leaver.OpenToAllFrom, leaver.PreviousOwnerId, leaver.PreviousOwnerMayClaimFrom));
        // A lapsed customer (P-3.5) has no priority window; its previous owner's cool-down runs from the lapse.
        var lapsed = all.Items[0].PoolClaims!;
        Assert.Null(lapsed.OpenToAllFrom);
        Assert.Equal("S2", lapsed.PreviousOwnerId);
        var freedOn = PolicyTime.DateOf(all.Items[0].State.FreedOf(all.Items[0].Customer.Value).FreedAt!.Value);
        Assert.Equal(freedOn.PlusDays(cooldown) > today ? Protection.Date(freedOn.PlusDays(cooldown)) : null, lapsed.PreviousOwnerMayClaimFrom);

        Assert.Equal([lapsing], (await PoolAsync("精密")).Items.Select(i => i.Customer.Value.Id));
        Assert.Equal([lapsing], (await PoolAsync(taxpayerId[..8].ToLowerInvariant())).Items.Select(i => i.Customer.Value.Id));
        Assert.Equal([important.Value.Id, ordinary], (await PoolAsync("离职")).Items.Select(i => i.Customer.Value.Id));
        Assert.Equal([important.Value.Id], (await PoolAsync("离职", [CustomerClasses.Important])).Items.Select(i => i.Customer.Value.Id));
        Assert.Empty((await PoolAsync("不存在")).Items);

        // After the window and the cool-down the customer is open to all: nothing left to show.
        _h.AdvanceTo(new DateTimeOffset(2026, 4, 20, 9, 0, 0, Shanghai).AddDays(cooldown + 1));
        var later = (await PoolAsync("离职普通")).Items.Single().PoolClaims!;
        Assert.Equal((null, "S1", null), (later.OpenToAllFrom, later.PreviousOwnerId, later.PreviousOwnerMayClaimFrom));
    }

    [Fact]
    public async Task P12_pool_pages_go_on_with_the_token_and_a_page_over_500_is_refused()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await _h.FileAndApproveAsync("S1", $"离职客户{i}有限公司")).Value.Id);
        }

        await _h.Leavers.ExecuteAsync("S1", "辞职");
        var first = await PoolAsync(pageSize: 2);
        var second = await PoolAsync(pageSize: 2, token: first.NextPageToken);
        var third = await PoolAsync(pageSize: 2, token: second.NextPageToken);

        Assert.Equal(ids.Order(), first.Items.Concat(second.Items).Concat(third.Items).Select(i => i.Customer.Value.Id).Order());
        Assert.Null(third.NextPageToken);
        Assert.Equal("page_size", Assert.Single((await Assert.ThrowsAsync<Policy.Errors.RequestValidationException>(() => PoolAsync(pageSize: 501))).Violations).Field);
    }
}
