using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Testing;

namespace CustomerProtection.Registration.Tests;

/// <summary>
/// Arbitration's decisions applied by Registration on a real redis-server: P-2.4(c)'s second award of
/// one case (the next bidder after a missed commitment), the dispute marker held until the case closes,
/// and P-2.4(b)'s claimant recording the promised trial.
/// </summary>
public sealed class CaseDecisionTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly Harness _h = new(redis);

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1", "S2", "S3");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static OwnershipAwarded Award(string customerId, string caseId, string owner, string? previous, DateTimeOffset at) =>
        new(caseId, customerId, owner, previous, [], Resolutions.Auction, "竞拍 / auction", "system", at);

    [Fact]
    public async Task P2_4c_a_second_award_of_the_case_to_the_next_bidder_transfers_ownership_and_redelivered_or_overtaken_awards_change_nothing()
    {
        var customer = (await _h.FileAndApproveAsync("S1", "上海竞拍精工有限公司")).Value.Id;
        await _h.Cases.OpenedAsync(new CaseOpened("CASE-A", "objection", customer, "S2", "S1", _h.Time.GetUtcNow()));
        var first = Award(customer, "CASE-A", "S2", "S1", _h.Time.GetUtcNow());
        Assert.True(await _h.Cases.AwardedAsync(first));

        // The winner misses the 30-day commitment: the same case awards the customer to the second bidder.
        _h.Time.Advance(TimeSpan.FromDays(31));
        var second = Award(customer, "CASE-A", "S3", "S2", _h.Time.GetUtcNow());
        Assert.True(await _h.Cases.AwardedAsync(second));

        // Redeliveries of both, in any order, change nothing.
        Assert.False(await _h.Cases.AwardedAsync(second));
        Assert.False(await _h.Cases.AwardedAsync(first));

        var c = await _h.CustomerAsync(customer);
        Assert.Equal(("S3", "S2", CustomerStatus.Protected), (c.OwnerId, c.PreviousOwnerId, c.Status));
        Assert.Equal(Protection.Date(_h.Clock.Today), c.PeriodStart);
        var awards = (await _h.Store.HistoryAsync(customer)).Where(e => e.Change == Changes.Awarded).Select(e => (e.From, e.To)).ToList();
        Assert.Equal([("S1", "S2"), ("S2", "S3")], awards);
        Assert.Equal(["S2", "S3"], (await _h.EventsAsync<OwnershipChanged>()).Where(e => e.Reason.StartsWith(Changes.Awarded, StringComparison.Ordinal)).Select(e => e.ToOwnerId));
        // X-1: the customer now counts for the second bidder only.
        Assert.Equal(0, await _h.Db.SortedSetLengthAsync(Persistence.RegistrationKeys.OwnerCustomers("S2")));
        Assert.Equal(1, await _h.Db.SortedSetLengthAsync(Persistence.RegistrationKeys.OwnerCustomers("S3")));
    }

    [Fact]
    public async Task X6_a_redelivered_case_opening_is_applied_once_whatever_the_precision_of_its_instant()
    {
        var customer = (await _h.FileAndApproveAsync("S1", "上海重投精工有限公司")).Value.Id;
        // Arbitration's clock has 100 ns ticks; the customer keeps the opening to the millisecond.
        var opened = new CaseOpened("CASE-R", "objection", customer, "S2", "S1", _h.Time.GetUtcNow().AddTicks(4_321));

        Assert.True(await _h.Cases.OpenedAsync(opened));
        Assert.False(await _h.Cases.OpenedAsync(opened));

        Assert.Single(await _h.Store.HistoryAsync(customer), e => e.Change == Changes.Disputed);
    }

    [Fact]
    public async Task P2_4_the_customer_stays_disputed_through_the_awards_until_the_case_closes()
    {
        var customer = (await _h.FileAndApproveAsync("S1", "上海争议精工有限公司")).Value.Id;
        await _h.Cases.OpenedAsync(new CaseOpened("CASE-B", "objection", customer, "S2", "S1", _h.Time.GetUtcNow()));
        await _h.Cases.AwardedAsync(Award(customer, "CASE-B", "S2", "S1", _h.Time.GetUtcNow()));

        Assert.Equal("CASE-B", (await _h.CustomerAsync(customer)).OpenCaseId);
        var blocked = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.ReallocateCustomer.ExecuteAsync(Harness.Manager(), customer, "S3", null));
        Assert.Equal(("P-9", "CASE-B"), (blocked.RuleId, blocked.Metadata["caseId"]));

        Assert.True(await _h.Cases.ClosedAsync(new CaseClosed("CASE-B", customer, "auction_won", _h.Time.GetUtcNow())));

        var closed = await _h.CustomerAsync(customer);
        Assert.Equal(("S2", (string?)null, (string?)null), (closed.OwnerId, closed.OpenCaseId, closed.CaseClaimantId));
        Assert.Equal([Changes.Disputed, Changes.Awarded, Changes.CaseClosed], (await _h.Store.HistoryAsync(customer)).Skip(2).Select(e => e.Change));
    }

    [Fact]
    public async Task P2_4b_the_claimant_of_an_open_ownership_case_records_a_trial_and_nothing_else_and_not_after_it_closes()
    {
        var customer = (await _h.FileAndApproveAsync("S1", "上海超越机电有限公司", sales: 600_000m)).Value.Id;
        await _h.Cases.OpenedAsync(new CaseOpened("CASE-C", "objection", customer, "S2", "S1", _h.Time.GetUtcNow()));
        var before = await _h.CustomerAsync(customer);

        var trial = await _h.Progress.ExecuteAsync(Harness.Salesperson("S2"), customer, "trial", "2026-03-10", "样品试用", "TRIAL-001");

        Assert.Equal(("trial", "S2", "TRIAL-001"), (trial.Kind, trial.RecordedBy, trial.Evidence));
        var recorded = Assert.Single(await _h.Store.ProgressAsync(customer));
        Assert.Equal(("S2", new DateOnly(2026, 3, 10)), (recorded.RecordedBy, recorded.On));
        Assert.Equal("S2", (await _h.EventsAsync<ProgressRecorded>()).Single().RecordedBy);
        // P-3.4 is the owner's duty: the claimant's trial is not the owner's monthly progress.
        Assert.Equal(before.ProgressDates, (await _h.CustomerAsync(customer)).ProgressDates);

        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.Progress.ExecuteAsync(Harness.Salesperson("S2"), customer, "visit", "2026-03-10", null, "V-1"));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.Progress.ExecuteAsync(Harness.Salesperson("S3"), customer, "trial", "2026-03-10", null, "T-3"));

        await _h.Cases.ClosedAsync(new CaseClosed("CASE-C", customer, "claim_missed", _h.Time.GetUtcNow()));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.Progress.ExecuteAsync(Harness.Salesperson("S2"), customer, "trial", "2026-03-10", null, "T-2"));
        Assert.Single(await _h.Store.ProgressAsync(customer));
    }

    [Fact]
    public async Task P4_5_the_complainant_of_an_encroachment_case_is_no_claimant_and_records_no_trial()
    {
        var customer = (await _h.FileAndApproveAsync("S1", "上海侵占化工有限公司")).Value.Id;
        await _h.Cases.OpenedAsync(new CaseOpened("CASE-D", "encroachment", customer, "S3", "S2", _h.Time.GetUtcNow()));

        Assert.Equal(("CASE-D", (string?)null), ((await _h.CustomerAsync(customer)).OpenCaseId, (await _h.CustomerAsync(customer)).CaseClaimantId));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.Progress.ExecuteAsync(Harness.Salesperson("S3"), customer, "trial", "2026-03-10", null, "T-3"));
    }
}
