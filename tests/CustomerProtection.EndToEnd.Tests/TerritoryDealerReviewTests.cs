using CustomerProtection.Contracts.Violations;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// P-7 through the real AppHost: a confirmed violation (ViolationConfirmed on RabbitMQ) by an existing
/// point-to-area dealer in a region that has a direct branch puts it in hq's queue once; hq converts it.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TerritoryDealerReviewTests(SystemFixture system)
{
    private OrganizationDirectory.OrganizationDirectoryClient Directory => new(system.Channel(ResourceNames.Territory));
    private DealerReviews.DealerReviewsClient Reviews => new(system.Channel(ResourceNames.Territory));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    [Fact]
    public async Task P7_a_confirmed_violation_ends_a_point_to_area_dealers_right_to_stay_once_and_hq_converts_it_to_point_to_point()
    {
        var s = Guid.NewGuid().ToString("N")[..8];
        var region = "R-WEST-" + s;
        await Directory.CreateRegionAsync(new CreateRegionRequest { RegionId = region, Name = "西部大区" }, Hq);
        await Directory.CreateBranchAsync(new CreateBranchRequest { BranchId = "B-AG-" + s, RegionId = region, Name = "代理处", Kind = BranchKind.Office, Direct = false }, Hq);
        // Appointed while the region had no direct branch (P-7 allowed it); the direct branch opens later.
        await Directory.AppointDealerAsync(new AppointDealerRequest
        {
            DealerId = "D-" + s, Name = "西部经销", BranchId = "B-AG-" + s, Kind = DealerKind.PointToArea, InvoiceTitle = $"成都经销{s}有限公司",
        }, Hq);
        await Directory.CreateBranchAsync(new CreateBranchRequest { BranchId = "B-CD-" + s, RegionId = region, Name = "成都分公司", Kind = BranchKind.Branch, Direct = true }, Hq);

        await using var bus = await PenaltyBus.StartAsync(system);
        var confirmed = new ViolationConfirmed("V-" + s, "P-6", "dealer_filed_dealer", new ViolationParty("D-" + s, Roles.Dealer, "B-AG-" + s, region, null),
            "CASE-" + s, ManagerFindings.None, 0m, "仲裁确认 / decided in arbitration", "HQ-1", await PenaltyBus.NowAsync(system));
        await bus.PublishAsync(confirmed);
        await bus.PublishAsync(confirmed);  // redelivered

        var review = await Eventually.GetAsync(async () =>
            (await Reviews.ListDealerReviewsAsync(new ListDealerReviewsRequest { PageSize = 500 }, Hq)).Reviews.SingleOrDefault(r => r.DealerId == "D-" + s),
            "the dealer in hq's queue");
        Assert.Equal(("V-" + s, "B-CD-" + s), (review.ViolationId, Assert.Single(review.DirectBranchIds)));
        Assert.Equal(1, review.Version);

        var decided = await Reviews.DecideDealerReviewAsync(new DecideDealerReviewRequest
        {
            DealerId = "D-" + s, Decision = DealerReviewDecision.ConvertToPointToPoint, Reason = "改为点对点 / point-to-point from now",
        }, Hq);

        Assert.Equal(DealerReviewStatus.Converted, decided.Status);
        Assert.Equal(DealerKind.PointToPoint, (await Directory.GetDealerAsync(new GetDealerRequest { DealerId = "D-" + s }, Hq)).Kind);
        Assert.DoesNotContain((await Reviews.ListDealerReviewsAsync(new ListDealerReviewsRequest { PageSize = 500 }, Hq)).Reviews, r => r.DealerId == "D-" + s);
    }
}
