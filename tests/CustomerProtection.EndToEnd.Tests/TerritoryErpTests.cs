using CustomerProtection.Arbitration.V1;
using CustomerProtection.Penalty.V1;
using CustomerProtection.Platform.V1;
using CustomerProtection.Registration.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// The ERP integration (issue 5 §4) with a token of role <c>erp</c>: it posts shipments to
/// Territory's ledger (Territory asks Registration who owns the customer on that same token) and
/// reads them back; it is refused everything else, in every service.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TerritoryErpTests(SystemFixture system)
{
    private readonly string _s = Guid.NewGuid().ToString("N")[..8];

    private SalesLedger.SalesLedgerClient Ledger => new(system.Channel(ResourceNames.Territory));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);
    private Metadata Erp => system.As("ERP-" + _s, Roles.Erp);

    private string Id(string name) => $"{name}-{_s}";

    /// <summary>The ERP's shipment of two of P1 at 120.00 to the customer titled <paramref name="title"/>, in the east, of <paramref name="kind"/>.</summary>
    private RecordSaleRequest ShipmentOf(string id, string seller, string title, string today, CustomerProtection.Territory.V1.SaleKind kind) => new()
    {
        Id = id,
        SellerId = seller,
        Customer = new CustomerProtection.Territory.V1.CustomerRef { InvoiceTitle = title },
        ProductCode = "P1",
        UnitPrice = "120.00",
        Quantity = "2",
        ShippedOn = ProtoDays.Day(today),
        RegionId = Id("R-EAST"),
        Kind = kind,
    };

    private async Task<(string Title, string Today)> ProtectedCustomerAsync()
    {
        var org = await TestOrganisation.ImportAsync(system, _s);
        var title = $"远东机床{_s}有限公司";
        await org.FileProtectedCustomerAsync(title);
        return (title, await org.TodayAsync());
    }

    private static async Task<StatusCode> RefusalAsync<T>(Func<AsyncUnaryCall<T>> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call());
        return error.StatusCode;
    }

    [Fact]
    public async Task The_ERP_integration_records_shipments_and_reads_them_back_with_Registration_answering_on_its_token()
    {
        var (title, today) = await ProtectedCustomerAsync();
        RecordSaleRequest Shipment(string id, string seller) => ShipmentOf(id, seller, title, today, CustomerProtection.Territory.V1.SaleKind.FormalPurchase);

        var byOwner = await Ledger.RecordSaleAsync(Shipment(Id("ERP-1"), Id("S1")), Erp);
        var poaching = await Ledger.RecordSaleAsync(Shipment(Id("ERP-2"), Id("S2")), Erp);
        var readBack = await Ledger.GetSaleAsync(new GetSaleRequest { Id = Id("ERP-2") }, Erp);

        // Registration's answer reached the rules: the owner's sale is clean, the other seller's is P-5.
        Assert.Empty(byOwner.Violations);
        Assert.Equal(Id("S1"), byOwner.CreditedTo);
        Assert.Equal("P-5", Assert.Single(poaching.Violations).RuleId);
        Assert.Equal((Id("ERP-2"), "240.00", 1), (readBack.Id, readBack.Amount, readBack.Violations.Count));
        Assert.Equal(StatusCode.PermissionDenied, await RefusalAsync(() =>
            Ledger.GetSaleAsync(new GetSaleRequest { Id = Id("ERP-2") }, system.As("ERP-OTHER-" + _s, Roles.Erp))));
        Assert.Equal(StatusCode.PermissionDenied, await RefusalAsync(() =>
            Ledger.RecordSaleAsync(Shipment(Id("ERP-3"), Id("S2")), system.As(Id("S1"), Roles.Salesperson, Id("B-SH"), Id("R-EAST")))));
    }

    [Fact]
    public async Task P1_1_a_shipment_that_does_not_say_its_kind_is_refused_on_kind_and_nothing_is_recorded()
    {
        var (title, today) = await ProtectedCustomerAsync();
        var unlabelled = ShipmentOf(Id("ERP-U"), Id("S1"), title, today, CustomerProtection.Territory.V1.SaleKind.Unspecified);

        // A sale says what it is (P-1.1): without a kind it could be a sample, which must not make the customer formal.
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await Ledger.RecordSaleAsync(unlabelled, Erp));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("kind", Assert.Single(refused.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations).Field);
        Assert.Equal(StatusCode.NotFound, await RefusalAsync(() => Ledger.GetSaleAsync(new GetSaleRequest { Id = Id("ERP-U") }, Erp)));
    }

    [Fact]
    public async Task The_ERP_integration_is_refused_everything_but_the_ledger()
    {
        var erp = Erp;
        var territory = system.Channel(ResourceNames.Territory);

        var refusals = new Dictionary<string, StatusCode>
        {
            ["territory AuthorizeSale"] = await RefusalAsync(() => Ledger.AuthorizeSaleAsync(new AuthorizeSaleRequest
            {
                Customer = new CustomerProtection.Territory.V1.CustomerRef { InvoiceTitle = "某某有限公司" },
                ProductCode = "P1",
                UnitPrice = "1.00",
                RegionId = "R-ANY",
            }, erp)),
            ["territory CreateRegion"] = await RefusalAsync(() =>
                new OrganizationDirectory.OrganizationDirectoryClient(territory).CreateRegionAsync(new CreateRegionRequest { RegionId = Id("R-ERP"), Name = "大区" }, erp)),
            ["territory SetAskingPrice"] = await RefusalAsync(() =>
                new Pricing.PricingClient(territory).SetAskingPriceAsync(new SetAskingPriceRequest { RegionId = "R-ANY", ProductCode = "P1", Price = "1.00" }, erp)),
            ["registration FileCustomer"] = await RefusalAsync(() =>
                new Customers.CustomersClient(system.Channel(ResourceNames.Registration)).FileCustomerAsync(new FileCustomerRequest
                {
                    InvoiceTitle = $"某某{_s}有限公司",
                    CustomerClass = CustomerClass.Important,
                    DeclaredAnnualSales = "1",
                    EvidenceKind = FilingEvidenceKind.Visit,
                    EvidenceDate = ProtoDays.Day("2026-11-27"),
                    Evidence = "x",
                }, erp)),
            ["arbitration ListCases hq"] = await RefusalAsync(() =>
                new Cases.CasesClient(system.Channel(ResourceNames.Arbitration)).ListCasesAsync(new ListCasesRequest { HqQueue = true }, erp)),
            ["penalty ListBranchViolations"] = await RefusalAsync(() =>
                new Penalties.PenaltiesClient(system.Channel(ResourceNames.Penalty)).ListViolationsAsync(new ListViolationsRequest { BranchId = "B-ANY" }, erp)),
            ["clock Advance"] = await RefusalAsync(() =>
                new Clock.ClockClient(territory).AdvanceAsync(new AdvanceRequest { By = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)) }, erp)),
        };

        Assert.All(refusals, r => Assert.True(r.Value == StatusCode.PermissionDenied, $"{r.Key}: {r.Value}"));
    }
}
