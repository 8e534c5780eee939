using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// P-4.4 through the real AppHost: hq links a group; selling to a subsidiary of a group whose formal
/// customer is in another region needs the seller's own filing there, and the group's previous price is
/// the floor (P-3.7) unless hq approves a lower one.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TerritoryGroupSaleTests(SystemFixture system)
{
    private SalesLedger.SalesLedgerClient Ledger => new(system.Channel(ResourceNames.Territory));
    private CustomerGroups.CustomerGroupsClient Groups => new(system.Channel(ResourceNames.Territory));
    private CrossRegionRequests.CrossRegionRequestsClient Filings => new(system.Channel(ResourceNames.Territory));
    private Pricing.PricingClient Pricing => new(system.Channel(ResourceNames.Territory));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    [Fact]
    public async Task P4_4_P3_7_a_salesperson_of_another_region_needs_a_filing_for_the_subsidiary_and_then_the_groups_previous_price_unless_hq_approves()
    {
        var groupRegion = await TestOrganisation.ImportAsync(system);
        var sellers = await TestOrganisation.ImportAsync(system);
        var parentTitle = $"华光集团{groupRegion.S}有限公司";
        await groupRegion.FileProtectedCustomerAsync(parentTitle);
        var today = await groupRegion.TodayAsync();
        // The owner's shipment makes the parent a formal customer of its region (P-1.1) and sets the group's previous price.
        await Ledger.RecordSaleAsync(new RecordSaleRequest
        {
            Id = groupRegion.Id("ERP-P"),
            SellerId = groupRegion.Id("S1"),
            Customer = new CustomerRef { InvoiceTitle = parentTitle },
            ProductCode = "P1",
            UnitPrice = "95.00",
            Quantity = "1",
            ShippedOn = ProtoDays.Day(today),
            RegionId = groupRegion.Region,
            Kind = SaleKind.FormalPurchase,
        }, Hq);
        var subsidiary = new CustomerRef { InvoiceTitle = $"华光电子{groupRegion.S}有限公司" };
        var group = await Groups.LinkSubsidiaryAsync(new LinkSubsidiaryRequest { Parent = new CustomerRef { InvoiceTitle = parentTitle }, Subsidiary = subsidiary }, Hq);
        Assert.Single(group.Subsidiaries);

        AuthorizeSaleRequest Ask(string price) => new() { Customer = subsidiary, ProductCode = "P1", UnitPrice = price, RegionId = sellers.Region };

        // Without a filing of their own the seller of the other region is refused under P-4.4 (once Registration made the parent formal).
        var refused = await Eventually.GetAsync(async () =>
        {
            var answer = await Ledger.AuthorizeSaleAsync(Ask("95.00"), sellers.Salesperson1);
            return answer.Findings.Any(f => f.RuleId == "P-4.4") ? answer : null;
        }, "P-4.4 once the parent is a formal customer");
        Assert.Equal(SaleDecision.NeedsApproval, refused.Decision);
        var finding = Assert.Single(refused.Findings);
        Assert.Equal(groupRegion.Region, finding.Metadata["group_region_id"]);
        Assert.Equal("cross_region_request", finding.Metadata["missing_approval"]);

        // The new filing: into the group's region, confirmed by its secretary, approved by hq (P-4.1, P-10).
        var filing = await Filings.CreateCrossRegionRequestAsync(new CreateCrossRegionRequestRequest
        {
            RequestId = sellers.Id("GF"),
            TargetRegionId = groupRegion.Region,
            Customer = subsidiary,
            Reason = "集团子公司 / the group's subsidiary",
        }, sellers.Salesperson1);
        await Filings.AnswerCrossRegionRequestAsync(new AnswerCrossRegionRequestRequest { CrossRegionRequestId = filing.Id, Confirm = true },
            system.As(groupRegion.Id("RS"), Roles.RegionalSecretary, null, groupRegion.Region));
        Assert.Equal(CrossRegionRequestStatus.Approved, (await Filings.DecideCrossRegionRequestAsync(new DecideCrossRegionRequestRequest { CrossRegionRequestId = filing.Id, Approve = true }, Hq)).Status);

        Assert.Equal(SaleDecision.Allowed, (await Ledger.AuthorizeSaleAsync(Ask("95.00"), sellers.Salesperson1)).Decision);
        var below = await Ledger.AuthorizeSaleAsync(Ask("94.99"), sellers.Salesperson1);
        Assert.Equal(SaleDecision.NeedsApproval, below.Decision);
        var floor = Assert.Single(below.Findings);
        Assert.Equal(("P-3.7", "group"), (floor.RuleId, floor.Metadata["floor_source"]));

        // hq approves a lower final price: the sale at it is allowed, a fen below it is not.
        var request = await Pricing.RequestPriceApprovalAsync(new RequestPriceApprovalRequest
        {
            RequestId = sellers.Id("PA"),
            Customer = subsidiary,
            ProductCode = "P1",
            RegionId = sellers.Region,
            RequestedPrice = "90.00",
            Reason = "集团采购 / group purchase",
        }, sellers.Salesperson1);
        await Pricing.DecidePriceApprovalAsync(new DecidePriceApprovalRequest { Id = request.Id, Approve = true, FinalPrice = "90.00" }, Hq);
        Assert.Equal(SaleDecision.Allowed, (await Ledger.AuthorizeSaleAsync(Ask("90.00"), sellers.Salesperson1)).Decision);
        Assert.Equal(SaleDecision.NeedsApproval, (await Ledger.AuthorizeSaleAsync(Ask("89.99"), sellers.Salesperson1)).Decision);
    }
}
