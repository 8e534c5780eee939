using System.Net;
using System.Text;
using System.Text.Json;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Google.Protobuf;

namespace CustomerProtection.EndToEnd.Tests;

public sealed partial class JsonApiTests
{
    /// <summary>
    /// docs/api.md: a GET's request is its query, nested fields dotted (<c>customer.taxpayerId</c>), money a decimal
    /// string and a day a google.type.Date (<c>on.year=…&amp;on.month=…&amp;on.day=…</c>); the JSON answer is the gRPC answer,
    /// and a refusal is FailedPrecondition with its rule id in ErrorInfo, as JSON.
    /// </summary>
    [Fact]
    public async Task P4_2_a_sale_is_authorised_and_an_asking_price_read_by_query_as_over_grpc_and_a_second_price_decision_is_refused_with_P3_7()
    {
        var org = await TestOrganisation.ImportAsync(system);
        var product = "P-JSON-" + org.S;
        var today = DateOnly.ParseExact(await org.TodayAsync(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var pricing = new Pricing.PricingClient(system.Channel(ResourceNames.Territory));
        var ledger = new SalesLedger.SalesLedgerClient(system.Channel(ResourceNames.Territory));
        var hqToken = system.Token("HQ-JSON", Roles.Hq);
        await pricing.SetAskingPriceAsync(new SetAskingPriceRequest { RegionId = org.Region, ProductCode = product, Price = "120.00" }, SystemFixture.Bearer(hqToken));
        var customer = new CustomerRef { TaxpayerId = TestOrganisation.NewTaxpayerId() };
        var sellerToken = system.Token(org.Id("S1"), Roles.Salesperson, org.Branch, org.Region);

        var overGrpc = await ledger.AuthorizeSaleAsync(
            new AuthorizeSaleRequest { Customer = customer, ProductCode = product, UnitPrice = "99.5", RegionId = org.Region }, SystemFixture.Bearer(sellerToken));
        using var seller = Api(ResourceNames.Territory, sellerToken);
        using var authorized = await seller.GetAsync(
            $"/v1/sales:authorize?customer.taxpayerId={customer.TaxpayerId}&productCode={product}&unitPrice=99.5&regionId={org.Region}");
        var authorization = await authorized.Content.ReadAsStringAsync();

        Assert.True(authorized.StatusCode == HttpStatusCode.OK, authorization);
        Assert.Equal(overGrpc, JsonParser.Default.Parse<SaleAuthorization>(authorization));
        // The answer is not vacuous: the customer read from the nested query, in its own region, nobody's yet.
        Assert.Equal((SaleDecision.Allowed, "uscc:" + customer.TaxpayerId, false), (overGrpc.Decision, overGrpc.CustomerIdentityKey, overGrpc.CustomerProtected));

        var on = new Google.Type.Date { Year = today.Year, Month = today.Month, Day = today.Day };
        var priceOverGrpc = await pricing.GetAskingPriceAsync(new GetAskingPriceRequest { RegionId = org.Region, ProductCode = product, On = on }, SystemFixture.Bearer(hqToken));
        using var hq = Api(ResourceNames.Territory, hqToken);
        using var price = await hq.GetAsync($"/v1/regions/{org.Region}/askingPrices/{product}?on.year={on.Year}&on.month={on.Month}&on.day={on.Day}");
        var priceJson = await price.Content.ReadAsStringAsync();
        Assert.True(price.StatusCode == HttpStatusCode.OK, priceJson);
        Assert.Equal(priceOverGrpc, JsonParser.Default.Parse<AskingPrice>(priceJson));
        Assert.Equal("120.00", priceOverGrpc.InForce.Price);

        var approval = await pricing.RequestPriceApprovalAsync(new RequestPriceApprovalRequest
        {
            Customer = customer, ProductCode = product, RegionId = org.Region, RequestedPrice = "99.50", Reason = "大单 / a large order",
        }, SystemFixture.Bearer(sellerToken));
        await pricing.DecidePriceApprovalAsync(new DecidePriceApprovalRequest { Id = approval.Id, Approve = true, FinalPrice = "100.00" }, SystemFixture.Bearer(hqToken));
        using var again = await hq.PostAsync($"/v1/priceApprovals/{approval.Id}:decide",
            new StringContent("""{"approve": false, "reason": "again"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        var status = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(9, status.GetProperty("code").GetInt32()); // FAILED_PRECONDITION
        var info = Assert.Single(status.GetProperty("details").EnumerateArray(),
            d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.ErrorInfo");
        Assert.Equal("P-3.7", info.GetProperty("reason").GetString());
        Assert.Equal(ApprovalStatus.Approved,
            (await pricing.GetPriceApprovalAsync(new GetPriceApprovalRequest { Id = approval.Id }, SystemFixture.Bearer(hqToken))).Status);
    }
}
