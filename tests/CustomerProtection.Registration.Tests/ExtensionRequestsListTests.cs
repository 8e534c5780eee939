using CustomerProtection.Policy.Errors;
using CustomerProtection.Testing;

namespace CustomerProtection.Registration.Tests;

/// <summary>P-3.3: the extension requests waiting for the branch's manager or secretary, on a real redis-server.</summary>
public sealed class ExtensionRequestsListTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
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
    public async Task P3_3_the_waiting_requests_of_the_branch_longest_waiting_first_and_a_decided_one_leaves_the_list()
    {
        var first = (await _h.FileAndApproveAsync("S1", "甲方科技有限公司")).Value.Id;
        var second = (await _h.FileAndApproveAsync("S2", "乙方科技有限公司")).Value.Id;
        var decided = (await _h.FileAndApproveAsync("S1", "丙方科技有限公司")).Value.Id;
        var other = (await _h.FileAndApproveAsync("BJ1", "北京丁方科技有限公司", branch: "B-BJ")).Value.Id;
        await _h.FileAndApproveAsync("S2", "无延期科技有限公司");
        _h.AdvanceTo(new DateTimeOffset(2026, 3, 12, 10, 0, 0, Shanghai));
        await _h.RequestExtension.ExecuteAsync(Harness.Salesperson("S1"), first, 10, "试用");
        await _h.RequestExtension.ExecuteAsync(Harness.Salesperson("S1"), decided, 10, "试用");
        await _h.RequestExtension.ExecuteAsync(Harness.Salesperson("BJ1", "B-BJ"), other, 10, "试用");
        _h.AdvanceTo(new DateTimeOffset(2026, 3, 13, 10, 0, 0, Shanghai));
        await _h.RequestExtension.ExecuteAsync(Harness.Salesperson("S2"), second, 5, "报价");
        await _h.DecideExtension.ExecuteAsync(Harness.Manager(), decided, approve: true, null);

        var forSecretary = await _h.Query.ExtensionRequestsAsync(Harness.Secretary(), null, 0, null);
        var forHq = await _h.Query.ExtensionRequestsAsync(Harness.Hq, "B-SH", 0, null);

        Assert.Equal([first, second], forSecretary.Items.Select(i => i.Customer.Value.Id));
        Assert.Equal([first, second], forHq.Items.Select(i => i.Customer.Value.Id));
        Assert.Equal([10, 5], forSecretary.Items.Select(i => i.Customer.Value.PendingExtension!.Days));
        Assert.Equal([other], (await _h.Query.ExtensionRequestsAsync(Harness.Manager("B-BJ"), null, 0, null)).Items.Select(i => i.Customer.Value.Id));
        var paged = await _h.Query.ExtensionRequestsAsync(Harness.Manager(), null, 1, null);
        Assert.Equal([first], paged.Items.Select(i => i.Customer.Value.Id));
        Assert.Equal([second], (await _h.Query.ExtensionRequestsAsync(Harness.Manager(), null, 1, paged.NextPageToken)).Items.Select(i => i.Customer.Value.Id));
    }

    [Fact]
    public async Task P3_3_a_salesperson_or_another_branch_may_not_read_the_list_and_a_page_over_500_is_refused()
    {
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.Query.ExtensionRequestsAsync(Harness.Salesperson("S1"), null, 0, null));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.Query.ExtensionRequestsAsync(Harness.Secretary("B-BJ"), "B-SH", 0, null));
        Assert.Equal("branch_id", Assert.Single((await Assert.ThrowsAsync<RequestValidationException>(() => _h.Query.ExtensionRequestsAsync(Harness.Hq, null, 0, null))).Violations).Field);
        Assert.Equal("page_size", Assert.Single((await Assert.ThrowsAsync<RequestValidationException>(() => _h.Query.ExtensionRequestsAsync(Harness.Hq, "B-SH", 501, null))).Violations).Field);
    }
}
