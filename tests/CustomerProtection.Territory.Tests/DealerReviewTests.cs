using System.Text.Json;
using CustomerProtection.Contracts.Organization;
using CustomerProtection.Contracts.Penalty;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Contracts.Violations;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Storage;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using CustomerProtection.Testing;

namespace CustomerProtection.Territory.Tests;

/// <summary>
/// P-7 against a real redis-server: an existing point-to-area dealer stays while it commits no violation;
/// a confirmed one, where the region has a direct branch, puts it in hq's queue to convert or end.
/// </summary>
public sealed class DealerReviewTests(RedisServer redis) : SalesRig(redis), IClassFixture<RedisServer>
{
    private ReviewDealerAfterViolation Review => new(Directory, Clocks.Policy(FakeClock));
    private DecideDealerReview Decide => new(Directory, Clocks.Policy(FakeClock));
    private ListDealerReviews List => new(Directory);

    /// <summary>D1, point-to-area in R-WEST, appointed while the region had no direct branch (P-7 allowed it).</summary>
    private async Task PointToAreaDealerAsync(bool thenADirectBranch = true)
    {
        await new AppointDealer(Directory, Clocks.Policy(FakeClock)).ExecuteAsync(Hq,
            new DealerInput("D1", "西部经销", "B-SH", "R-WEST", DealerKinds.PointToArea, null, "成都某某贸易有限公司"));
        if (thenADirectBranch)
        {
            await new CreateBranch(Directory, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new BranchInput("B-CD", "R-WEST", "成都分公司", BranchKinds.Branch, true, null, false));
        }
    }

    private static ViolationConfirmed Confirmed(string violationId, string violator = "D1", string role = Roles.Dealer) =>
        new(violationId, "P-6", "dealer_filed_dealer", new ViolationParty(violator, role, "B-SH", "R-WEST", null), "CASE-1", ManagerFindings.None, 0m,
            "仲裁确认 / decided in arbitration", "HQ1", new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.FromHours(8)));

    private async Task<List<T>> EventsAsync<T>() =>
        [.. (await Db.StreamRangeAsync(Outbox.StreamKey)).Where(e => (string)e["type"]! == typeof(T).FullName)
            .Select(e => JsonSerializer.Deserialize<T>((string)e["body"]!, RedisOutbox.Json)!)];

    [Fact]
    public async Task P7_a_confirmed_violation_by_a_point_to_area_dealer_where_the_region_has_a_direct_branch_asks_hq_once()
    {
        await PointToAreaDealerAsync();

        Assert.True(await Review.ExecuteAsync(Confirmed("V-1")));
        Assert.False(await Review.ExecuteAsync(Confirmed("V-1")));  // redelivered
        Assert.False(await Review.ExecuteAsync(Confirmed("V-2")));  // a further violation: the right is already gone

        var ended = Assert.Single(await EventsAsync<DealerRightToStayEnded>());
        Assert.Equal(("D1", "V-1", "R-WEST", "B-CD"), (ended.DealerId, ended.ViolationId, ended.RegionId, Assert.Single(ended.DirectBranchIds)));
        var queued = Assert.Single(await List.ExecuteAsync(Hq, null, 0));
        Assert.Equal((DealerReviewStatuses.Open, "V-1"), (queued.Value.Status, queued.Value.ViolationId));
    }

    [Fact]
    public async Task P7_hq_letting_a_dealers_detected_violation_fine_stand_in_Penalty_confirms_it_too_but_the_managers_fine_does_not()
    {
        await PointToAreaDealerAsync();
        var at = new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.FromHours(8));

        Assert.False(await Review.ExecuteAsync(new FineConfirmed("V-9.manager", "V-9", "P-5", "manager", "M1", Roles.Dealer, "confirmed", 10_000m, "HQ1", at)));
        Assert.Empty(await EventsAsync<DealerRightToStayEnded>());
        Assert.True(await Review.ExecuteAsync(new FineConfirmed("V-9.violator", "V-9", "P-5", "violator", "D1", Roles.Dealer, "confirmed", 5_000m, "HQ1", at)));

        Assert.Equal("V-9", Assert.Single(await EventsAsync<DealerRightToStayEnded>()).ViolationId);
    }

    [Fact]
    public async Task P7_a_point_to_area_dealer_stays_where_the_region_has_no_direct_branch_and_an_employees_violation_concerns_no_dealer()
    {
        await PointToAreaDealerAsync(thenADirectBranch: false);

        Assert.False(await Review.ExecuteAsync(Confirmed("V-1")));
        Assert.False(await Review.ExecuteAsync(Confirmed("V-2", violator: "S1", role: Roles.Salesperson)));
        Assert.Empty(await EventsAsync<DealerRightToStayEnded>());
        Assert.Empty(await List.ExecuteAsync(Hq, null, 0));
    }

    [Fact]
    public async Task P7_hq_converts_the_dealer_to_point_to_point_once_and_it_leaves_the_queue()
    {
        await PointToAreaDealerAsync();
        await Review.ExecuteAsync(Confirmed("V-1"));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => Decide.ExecuteAsync(new Caller("S1", Roles.Salesperson, "B-SH", "R-EAST"), "D1", convert: true, null));

        var decided = await Decide.ExecuteAsync(Hq, "D1", convert: true, "改为点对点 / point-to-point from now");

        Assert.Equal(DealerReviewStatuses.Converted, decided.Value.Status);
        var dealer = (await Directory.GetDealerAsync("D1"))!.Value;
        Assert.Equal((DealerKinds.PointToPoint, DealerStatuses.Active), (dealer.Kind, dealer.Status));
        Assert.Equal(DealerKinds.PointToPoint, (await EventsAsync<DealerAppointed>()).Last().Dealer.Kind);
        Assert.Empty(await List.ExecuteAsync(Hq, null, 0));
        Assert.Equal("P-7", (await Assert.ThrowsAsync<PolicyRefusalException>(() => Decide.ExecuteAsync(Hq, "D1", convert: false, null))).RuleId);
        Assert.False(await Review.ExecuteAsync(Confirmed("V-3")));
    }

    [Fact]
    public async Task P7_hq_ends_the_appointment_of_a_dealer_that_lost_its_right_to_stay()
    {
        await PointToAreaDealerAsync();
        await Review.ExecuteAsync(Confirmed("V-1"));

        var decided = await Decide.ExecuteAsync(Hq, "D1", convert: false, "违规 / violation");

        Assert.Equal(DealerReviewStatuses.Ended, decided.Value.Status);
        Assert.Equal(DealerStatuses.Terminated, (await Directory.GetDealerAsync("D1"))!.Value.Status);
        Assert.Equal("D1", Assert.Single(await EventsAsync<DealerTerminated>()).Dealer.DealerId);
        Assert.Equal(("D1", DealerReviewStatuses.Ended), Assert.Single(await EventsAsync<DealerReviewDecided>()) is var e ? (e.DealerId, e.Outcome) : default);
    }
}
