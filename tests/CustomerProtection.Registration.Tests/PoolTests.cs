using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Policy;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Testing;

namespace CustomerProtection.Registration.Tests;

/// <summary>The public pool, reallocation, co-developers and Arbitration's facts on a real redis-server (P-12, P-13, P-3.6, X-2, X-6).</summary>
public sealed class PoolTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private readonly Harness _h = new(redis);

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1", "S2", "S3");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task P12_when_an_employee_leaves_all_their_customers_go_to_the_pool_at_once_and_a_redelivery_moves_nothing()
    {
        // More than the default cap of 200 and several of the release's batches.
        var h = new Harness(redis, new PolicyBook([new PolicyVersion(PolicyBook.PolicyStart, PolicyParameters.Defaults with { HoldingCap = 5000 })]));
        var owned = new List<string>();
        for (var i = 0; i < 1000; i++)
        {
            owned.Add((await h.FileAndApproveAsync("S1", $"离职客户{i:0000}号有限公司")).Value.Id);
        }

        var pending = (await h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("待审客户有限公司"))).Customer;
        var shared = await h.FileAndApproveAsync("S2", "合作客户有限公司");
        await h.AddCoDeveloper.ExecuteAsync(Harness.Salesperson("S2"), shared.Value.Id, "S1");
        var before = (await h.OutboxAsync()).Count;

        var moved = await h.Leavers.ExecuteAsync("S1", "辞职");

        Assert.Equal(1002, moved);
        foreach (var id in owned)
        {
            var c = await h.CustomerAsync(id);
            Assert.Equal((CustomerStatus.Pool, null, "S1", Changes.Pool), (c.Status, c.OwnerId, c.PreviousOwnerId, c.FreedReason));
        }

        Assert.Equal(CustomerStatus.Rejected, (await h.CustomerAsync(pending.Value.Id)).Status);
        Assert.Null((await h.CustomerAsync(shared.Value.Id)).CoDevelopers);
        Assert.Equal(1000, (await h.EventsAsync<OwnershipChanged>()).Count(e => e.Reason == Changes.Pool && e.FromOwnerId == "S1"));
        Assert.Equal(0, await h.Db.SortedSetLengthAsync(RegistrationKeys.OwnerCustomers("S1")));
        Assert.Equal(1000, await h.Db.SortedSetLengthAsync(RegistrationKeys.BranchPool("B-SH")));
        Assert.Equal(Changes.Pool, (await h.Store.HistoryAsync(owned[0]))[^1].Change);

        var outbox = (await h.OutboxAsync()).Count;
        Assert.Equal(0, await h.Leavers.ExecuteAsync("S1", "辞职"));
        Assert.Equal(outbox, (await h.OutboxAsync()).Count);
        Assert.True(outbox > before);
    }

    [Fact]
    public async Task P12_a_leavers_customers_go_first_to_new_and_behind_target_employees_for_the_priority_window()
    {
        var customer = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");
        var second = await _h.FileAndApproveAsync("S1", "北京燕山石化有限公司");
        await _h.Leavers.ExecuteAsync("S1", null);
        await _h.EmployeeAsync("NEW", "新员工", "salesperson", "B-SH", "M-B-SH", hired: new DateOnly(2026, 2, 1));

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.ClaimFromPool.ExecuteAsync(Harness.Salesperson("S2"), customer.Value.Id));
        Assert.Equal(("P-12", "2026-03-13"), (refusal.RuleId, refusal.Metadata["openToAllFrom"]));

        var claimed = await _h.ClaimFromPool.ExecuteAsync(Harness.Salesperson("NEW"), customer.Value.Id);
        Assert.Equal(("NEW", CustomerStatus.Protected, "S1"), (claimed.Value.OwnerId, claimed.Value.Status, claimed.Value.PreviousOwnerId));
        var announced = (await _h.EventsAsync<FilingApproved>()).Last();
        Assert.Equal(("NEW", "S1"), (announced.OwnerId, announced.PreviousOwnerId));

        await _h.MarkBehindTarget.ExecuteAsync(Harness.Manager(), "S3", true);
        Assert.Equal("S3", (await _h.ClaimFromPool.ExecuteAsync(Harness.Salesperson("S3"), second.Value.Id)).Value.OwnerId);
    }

    [Fact]
    public async Task X2_claims_are_limited_per_person_per_day()
    {
        var book = new PolicyBook([new PolicyVersion(PolicyBook.PolicyStart, PolicyParameters.Defaults with { PoolClaimsPerDay = 2 })]);
        var h = new Harness(redis, book);
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((await h.FileAndApproveAsync("S1", $"额度客户{i}号有限公司")).Value.Id);
        }

        h.AdvanceTo(new DateTimeOffset(2026, 4, 10, 9, 0, 0, Shanghai));
        await h.ClaimFromPool.ExecuteAsync(Harness.Salesperson("S2"), ids[0]);
        await h.ClaimFromPool.ExecuteAsync(Harness.Salesperson("S2"), ids[1]);
        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => h.ClaimFromPool.ExecuteAsync(Harness.Salesperson("S2"), ids[2]));
        Assert.Equal(("X-2", "2", "2"), (refusal.RuleId, refusal.Metadata["claimsToday"], refusal.Metadata["dailyLimit"]));
        Assert.Equal(CustomerStatus.Protected, (await h.CustomerAsync(ids[2])).Status); // untouched: still the lapsed (computed) protection

        h.AdvanceTo(new DateTimeOffset(2026, 4, 11, 9, 0, 0, Shanghai));
        Assert.Equal("S2", (await h.ClaimFromPool.ExecuteAsync(Harness.Salesperson("S2"), ids[2])).Value.OwnerId);
    }

    [Fact]
    public async Task X2_a_previous_owner_cannot_claim_back_a_lapsed_customer_within_the_cool_down()
    {
        var customer = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");
        _h.AdvanceTo(new DateTimeOffset(2026, 4, 20, 9, 0, 0, Shanghai));

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.ClaimFromPool.ExecuteAsync(Harness.Salesperson("S1"), customer.Value.Id));

        Assert.Equal(("X-2", "2026-05-10"), (refusal.RuleId, refusal.Metadata["allowedFrom"]));
    }

    [Fact]
    public async Task P12_a_protected_customer_cannot_be_claimed_and_another_branch_cannot_claim()
    {
        var customer = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");
        await _h.SeedBranchAsync("B-BJ", false, "BJ1");

        var taken = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.ClaimFromPool.ExecuteAsync(Harness.Salesperson("S2"), customer.Value.Id));
        Assert.Equal("P-9.1", taken.RuleId);
        _h.AdvanceTo(new DateTimeOffset(2026, 4, 20, 9, 0, 0, Shanghai));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.ClaimFromPool.ExecuteAsync(Harness.Salesperson("BJ1", "B-BJ"), customer.Value.Id));
    }

    [Fact]
    public async Task P13_the_branch_manager_reallocates_with_the_final_say_and_the_history_keeps_every_owner()
    {
        var customer = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");
        _h.AdvanceTo(new DateTimeOffset(2026, 3, 20, 9, 0, 0, Shanghai));

        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.ReallocateCustomer.ExecuteAsync(Harness.Secretary(), customer.Value.Id, "S2", null));
        var moved = await _h.ReallocateCustomer.ExecuteAsync(Harness.Manager(), customer.Value.Id, "S2", "客户要求更换");

        Assert.Equal(("S2", "S1", new DateOnly(2026, 3, 20)), (moved.Value.OwnerId, moved.Value.PreviousOwnerId, moved.Value.PeriodStart));
        var change = (await _h.EventsAsync<OwnershipChanged>()).Last();
        Assert.Equal(("S1", "S2", Changes.Reallocated), (change.FromOwnerId, change.ToOwnerId, change.Reason));
        Assert.Equal([Changes.Filed, Changes.Approved, Changes.Reallocated], (await _h.Store.HistoryAsync(customer.Value.Id)).Select(e => e.Change));
        Assert.Equal(0, await _h.Db.SortedSetLengthAsync(RegistrationKeys.OwnerCustomers("S1")));
    }

    [Fact]
    public async Task P3_6_the_owner_adds_and_removes_co_developers()
    {
        var customer = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");

        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.AddCoDeveloper.ExecuteAsync(Harness.Salesperson("S2"), customer.Value.Id, "S3"));
        var added = await _h.AddCoDeveloper.ExecuteAsync(Harness.Salesperson("S1"), customer.Value.Id, "S2");
        Assert.Equal(["S2"], added.Value.CoDevelopers!);
        Assert.Equal(["S2"], (await _h.EventsAsync<CoDevelopersChanged>()).Single().CoDeveloperIds);
        // A co-developer records progress and sees the contact in clear (C-2).
        await _h.Progress.ExecuteAsync(Harness.Salesperson("S2"), customer.Value.Id, "call", "2026-03-10", "电话", null);
        Assert.False((await _h.Query.GetAsync(Harness.Salesperson("S2"), customer.Value.Id)).ContactMasked);

        var removed = await _h.RemoveCoDeveloper.ExecuteAsync(Harness.Salesperson("S1"), customer.Value.Id, "S2");
        Assert.Null(removed.Value.CoDevelopers);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.Query.GetAsync(Harness.Salesperson("S2"), customer.Value.Id));
    }

    [Fact]
    public async Task A_case_marks_the_customer_disputed_and_nobody_else_can_transfer_it_until_it_closes()
    {
        var customer = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");
        var opened = new CaseOpened("CASE-1", "objection", customer.Value.Id, "S2", "S1", _h.Time.GetUtcNow());

        Assert.True(await _h.Cases.OpenedAsync(opened));
        Assert.False(await _h.Cases.OpenedAsync(opened));

        var blocked = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.ReallocateCustomer.ExecuteAsync(Harness.Manager(), customer.Value.Id, "S2", null));
        Assert.Equal(("P-9", "CASE-1"), (blocked.RuleId, blocked.Metadata["caseId"]));
        var check = await _h.Query.CheckDuplicateAsync(null, "上海华光电子有限公司", false);
        Assert.Equal("CASE-1", check.Holder!.OpenCaseId);

        Assert.True(await _h.Cases.ClosedAsync(new CaseClosed("CASE-1", customer.Value.Id, "withdrawn", _h.Time.GetUtcNow())));
        Assert.Null((await _h.CustomerAsync(customer.Value.Id)).OpenCaseId);
        Assert.Equal([Changes.Filed, Changes.Approved, Changes.Disputed, Changes.CaseClosed], (await _h.Store.HistoryAsync(customer.Value.Id)).Select(e => e.Change));
    }

    [Fact]
    public async Task X6_an_award_transfers_ownership_once_however_often_it_is_delivered()
    {
        var customer = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");
        await _h.Cases.OpenedAsync(new CaseOpened("CASE-2", "objection", customer.Value.Id, "S2", "S1", _h.Time.GetUtcNow()));
        var award = new OwnershipAwarded("CASE-2", customer.Value.Id, "S2", "S1", [], Resolutions.Decision, "P-9.2 进度证据更充分", "M-B-SH", _h.Time.GetUtcNow());

        Assert.True(await _h.Cases.AwardedAsync(award));
        Assert.False(await _h.Cases.AwardedAsync(award));

        var c = await _h.CustomerAsync(customer.Value.Id);
        // Still disputed: the case closes with its own CaseClosed (P-2.4(c) may award it again).
        Assert.Equal(("S2", "S1", "CASE-2"), (c.OwnerId, c.PreviousOwnerId, c.OpenCaseId));
        Assert.Single(await _h.EventsAsync<OwnershipChanged>(), e => e.Reason.StartsWith(Changes.Awarded, StringComparison.Ordinal));
        var last = (await _h.Store.HistoryAsync(customer.Value.Id))[^1];
        Assert.Equal((Changes.Awarded, "S1", "S2", "CASE-2"), (last.Change, last.From, last.To, last.CaseId));
    }

    [Fact]
    public async Task P2_4_joint_development_keeps_the_owner_and_adds_the_co_developers()
    {
        var customer = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");
        var award = new OwnershipAwarded("CASE-3", customer.Value.Id, "S1", null, ["S2"], Resolutions.JointDevelopment, "合作开发", "M-B-SH", _h.Time.GetUtcNow());

        await _h.Cases.AwardedAsync(award);

        var c = await _h.CustomerAsync(customer.Value.Id);
        Assert.Equal(("S1", new DateOnly(2026, 3, 10)), (c.OwnerId, c.PeriodStart));
        Assert.Equal(["S2"], c.CoDevelopers!);
    }
}
