using CustomerProtection.Arbitration.V1;
using CustomerProtection.Registration.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// P-8.2 → P-4.3 through the real AppHost: hq decides a disputed performance credit in Arbitration
/// (PerformanceCreditDecided over RabbitMQ) and Territory's ledger credits the sale to whom hq named.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ArbitrationCreditTests(SystemFixture system)
{
    private readonly string _s = Guid.NewGuid().ToString("N")[..8];

    private SalesLedger.SalesLedgerClient Ledger => new(system.Channel(ResourceNames.Territory));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    private string Id(string name) => $"{name}-{_s}";

    private Metadata As(string name, string role) => system.As(Id(name), role, Id("B-SH"), Id("R-EAST"));

    [Fact]
    public async Task P8_2_hqs_decision_of_a_disputed_credit_moves_the_sales_credit_in_Territorys_ledger()
    {
        var org = await TestOrganisation.ImportAsync(system, _s);
        var title = $"长江阀门{_s}有限公司";
        var filed = await org.FileProtectedCustomerAsync(title);
        var today = await org.TodayAsync();

        // The owner S1 ships and is credited (P-4.3); S2 says the deal was theirs (P-8.2).
        var sale = await Ledger.RecordSaleAsync(new RecordSaleRequest
        {
            Id = Id("ERP"),
            SellerId = Id("S1"),
            Customer = new CustomerProtection.Territory.V1.CustomerRef { InvoiceTitle = title },
            ProductCode = "P1",
            UnitPrice = "250.00",
            Quantity = "4",
            ShippedOn = ProtoDays.Day(today),
            RegionId = Id("R-EAST"),
            Kind = CustomerProtection.Territory.V1.SaleKind.FormalPurchase,
        }, Hq);
        var cases = new Cases.CasesClient(system.Channel(ResourceNames.Arbitration));
        var request = new OpenDisputeRequest
        {
            Kind = DisputeKind.Performance,
            CustomerId = filed.CustomerId,
            RespondentId = Id("S1"),
            SaleId = "NO-SUCH-SALE-" + _s,
            Description = "报价和谈判都是我做的 / I quoted and negotiated",
        };
        var unknownSale = await Assert.ThrowsAsync<RpcException>(async () => await cases.OpenDisputeAsync(request, As("S2", Roles.Salesperson)));
        Assert.Equal(StatusCode.InvalidArgument, unknownSale.StatusCode);

        // Arbitration knows the sale once Territory's SaleRecorded has reached it.
        request.SaleId = sale.Id;
        var dispute = await Eventually.GetAsync(async () =>
        {
            try
            {
                return await cases.OpenDisputeAsync(request, As("S2", Roles.Salesperson));
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
            {
                return null;
            }
        }, "the performance case on the recorded sale");
        await cases.DecideAsync(new DecideRequest { CaseId = dispute.CaseId, CreditTo = Id("S2"), Reason = "报价记录显示王五主导 / the quotes show S2 led" }, Hq);

        var credited = await Eventually.GetAsync(async () =>
        {
            var s = await Ledger.GetSaleAsync(new GetSaleRequest { Id = sale.Id }, Hq);
            return s.CreditedTo == Id("S2") ? s : null;
        }, "the decided credit in Territory");

        Assert.Equal(Id("S1"), sale.CreditedTo);
        Assert.Equal((dispute.CaseId, Id("S1"), "HQ-1"), (credited.CreditDecision.CaseId, credited.CreditDecision.PreviousCreditedTo, credited.CreditDecision.DecidedBy));
        var s2 = await Ledger.ListCreditsAsync(new ListCreditsRequest { EmployeeId = Id("S2") }, Hq);
        var s1 = await Ledger.ListCreditsAsync(new ListCreditsRequest { EmployeeId = Id("S1") }, Hq);
        Assert.Equal([sale.Id], s2.Credits.Select(c => c.SaleId));
        Assert.Equal("1000.00", s2.Total);
        Assert.Empty(s1.Credits);
    }
}
