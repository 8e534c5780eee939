using CustomerProtection.Policy.Errors;
using CustomerProtection.Testing;

namespace CustomerProtection.Registration.Tests;

/// <summary>
/// P-2.1, P-9.1: a salesperson's refused filings and why, on a real redis-server: a rejection keeps its reason,
/// an ALREADY_EXISTS refusal is kept once per filer, identity and day naming the holder; newest first; for the
/// filer, their branch manager and hq.
/// </summary>
public sealed class RefusedFilingsTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
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

    [Fact]
    public async Task P9_1_P2_1_the_filer_sees_a_taken_customer_once_a_day_and_a_rejection_with_its_reason_newest_first()
    {
        var taxpayerId = Harness.NewTaxpayerId();
        var held = await _h.FileAndApproveAsync("S1", "甲方科技有限公司", taxpayerId);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.File.ExecuteAsync(Harness.Salesperson("S2"), Harness.Filing("甲方科技有限公司", taxpayerId)));
            Assert.Equal((RefusalCode.AlreadyExists, "P-9.1"), (refusal.Code, refusal.RuleId));
        }

        _h.AdvanceTo(new DateTimeOffset(2026, 3, 11, 10, 0, 0, Shanghai));
        var (filed, _) = await _h.File.ExecuteAsync(Harness.Salesperson("S2"), Harness.Filing("乙方科技有限公司"));
        await _h.Decide.RejectAsync(Harness.Secretary(), filed.Value.Id, "拜访证据不足");

        var (items, next) = await _h.RefusedFilings.ExecuteAsync(Harness.Salesperson("S2"), null, 0, null);

        Assert.Null(next);
        Assert.Equal(2, items.Count);
        var rejected = items[0];
        Assert.Equal(("P-2.1", filed.Value.Id, "拜访证据不足", "S2", "B-SH", new DateOnly(2026, 3, 11)),
            (rejected.RuleId, rejected.CustomerId, rejected.Reason, rejected.FilerId, rejected.BranchId, rejected.On));
        var taken = items[1];
        Assert.Equal(("P-9.1", held.Value.Id, "S1", "uscc:" + taxpayerId, new DateOnly(2026, 3, 10)),
            (taken.RuleId, taken.CustomerId, taken.HolderId, taken.IdentityKey, taken.On));
        Assert.Contains("销售S1", taken.Reason, StringComparison.Ordinal);
        Assert.Empty((await _h.RefusedFilings.ExecuteAsync(Harness.Salesperson("S1"), null, 0, null)).Items);

        // The next day's refusal of the same identity is a record of its own; pages of one, newest first.
        _h.AdvanceTo(new DateTimeOffset(2026, 3, 11, 11, 0, 0, Shanghai));
        var again = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.File.ExecuteAsync(Harness.Salesperson("S2"), Harness.Filing("甲方科技有限公司", taxpayerId)));
        Assert.Equal(RefusalCode.AlreadyExists, again.Code);
        var first = await _h.RefusedFilings.ExecuteAsync(Harness.Manager(), "S2", 1, null);
        Assert.Equal(("P-9.1", new DateOnly(2026, 3, 11)), (first.Items.Single().RuleId, first.Items.Single().On));
        var rest = await _h.RefusedFilings.ExecuteAsync(Harness.Manager(), "S2", 5, first.NextPageToken);
        Assert.Equal(["P-2.1", "P-9.1"], rest.Items.Select(i => i.RuleId));
    }

    [Fact]
    public async Task P2_1_only_the_filer_their_branch_manager_and_hq_see_the_list()
    {
        await _h.FileAndApproveAsync("S1", "甲方科技有限公司");
        await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.File.ExecuteAsync(Harness.Salesperson("S2"), Harness.Filing("甲方科技有限公司")));

        Assert.Single((await _h.RefusedFilings.ExecuteAsync(Harness.Hq, "S2", 0, null)).Items);
        Assert.Single((await _h.RefusedFilings.ExecuteAsync(Harness.Manager(), "S2", 0, null)).Items);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.RefusedFilings.ExecuteAsync(Harness.Salesperson("S1"), "S2", 0, null));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.RefusedFilings.ExecuteAsync(Harness.Secretary(), "S2", 0, null));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.RefusedFilings.ExecuteAsync(Harness.Manager("B-BJ"), "S2", 0, null));
        Assert.Equal("page_size", Assert.Single((await Assert.ThrowsAsync<RequestValidationException>(() => _h.RefusedFilings.ExecuteAsync(Harness.Hq, "S2", 501, null))).Violations).Field);
    }
}
