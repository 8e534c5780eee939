using CustomerProtection.Protos;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Registration.V1;
using CustomerProtection.Territory.V1;
using Google.Rpc;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// Issue 22 end to end, through the real AppHost: P-1.1 a sale's kind crosses RabbitMQ from Territory's
/// ledger to Registration (a sample is development progress, only a formal purchase makes the owner
/// formal); P-6 a dealer's filing of a dealer is refused and listed for the branch manager, not fined.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class LifecycleTests(SystemFixture system)
{
    private Customers.CustomersClient Customers => new(system.Channel(ResourceNames.Registration));
    private SalesLedger.SalesLedgerClient Ledger => new(system.Channel(ResourceNames.Territory));
    private OrganizationDirectory.OrganizationDirectoryClient Directory => new(system.Channel(ResourceNames.Territory));
    private OrganizationReplica.OrganizationReplicaClient Replica => new(system.Channel(ResourceNames.Registration));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    private async Task<Sale> SellAsync(TestOrganisation org, CustomerView customer, string id, SaleKind kind) =>
        await Ledger.RecordSaleAsync(new RecordSaleRequest
        {
            Id = org.Id(id),
            SellerId = org.Id("S1"),
            Customer = new CustomerProtection.Territory.V1.CustomerRef { CustomerId = customer.CustomerId },
            ProductCode = "P1",
            UnitPrice = "100.00",
            Quantity = "1",
            ShippedOn = ProtoDays.Day(await org.TodayAsync()),
            RegionId = org.Region,
            Kind = kind,
        }, system.As("ERP-" + org.S, Roles.Erp));

    [Fact]
    public async Task P1_1_a_sample_in_the_ledger_is_trial_progress_in_Registration_and_only_a_formal_purchase_makes_the_owner_formal()
    {
        var org = await TestOrganisation.ImportAsync(system);
        var customer = await org.FileProtectedCustomerAsync($"样品客户{org.S}有限公司");

        var sample = await SellAsync(org, customer, "ERP-SAMPLE", SaleKind.Sample);
        Assert.Equal(SaleKind.Sample, sample.Kind);
        var progress = await Eventually.GetAsync(async () =>
        {
            var list = await Customers.ListProgressAsync(new ListProgressRequest { CustomerId = customer.CustomerId }, org.Salesperson1);
            return list.ProgressRecords.Count > 0 ? list : null;
        }, "the sample as trial progress in Registration");
        Assert.Equal(ProgressKind.Trial, Assert.Single(progress.ProgressRecords).Kind);
        Assert.Equal(CustomerStage.Prospect, (await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.CustomerId }, org.Salesperson1)).Stage);

        var purchase = await SellAsync(org, customer, "ERP-FORMAL", SaleKind.FormalPurchase);
        Assert.Equal(SaleKind.FormalPurchase, purchase.Kind);
        var formal = await Eventually.GetAsync(async () =>
        {
            var view = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.CustomerId }, org.Salesperson1);
            return view.Stage == CustomerStage.Formal ? view : null;
        }, "the formal purchase in Registration");
        Assert.Equal(await org.TodayAsync(), formal.PeriodStart.ToIso());
    }

    [Fact]
    public async Task P6_a_dealers_filing_of_a_dealer_is_refused_and_listed_for_the_branch_manager()
    {
        var org = await TestOrganisation.ImportAsync(system);
        var dealerTaxpayerId = TestOrganisation.NewTaxpayerId();
        foreach (var (id, title, taxpayerId) in new[] { ("D1", $"甲经销{org.S}有限公司", TestOrganisation.NewTaxpayerId()), ("D2", $"乙经销{org.S}有限公司", dealerTaxpayerId) })
        {
            await Directory.AppointDealerAsync(new AppointDealerRequest
            {
                DealerId = org.Id(id), Name = title, BranchId = org.Branch, Kind = DealerKind.PointToPoint, TaxpayerId = taxpayerId, InvoiceTitle = title,
            }, Hq);
            await Eventually.GetAsync(async () => await Replica.GetDealerAsync(new GetDealerReplicaRequest { DealerId = org.Id(id) }, Hq), $"{id} in Registration");
        }

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Customers.FileCustomerAsync(TestOrganisation.Filing($"乙经销{org.S}有限公司", dealerTaxpayerId, await org.TodayAsync()), org.As("D1", Roles.Dealer)));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var info = error.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal(("P-6", org.Id("D2")), (info.Reason, info.Metadata["dealerId"]));
        var listed = await Customers.ListRefusedDealerFilingsAsync(new ListRefusedDealerFilingsRequest(), org.As("BM", Roles.BranchManager));
        var attempt = Assert.Single(listed.RefusedDealerFilings);
        Assert.Equal((info.Metadata["attemptId"], org.Id("D1"), org.Id("D2")), (attempt.AttemptId, attempt.DealerId, attempt.FiledDealerId));
        var denied = await Assert.ThrowsAsync<RpcException>(async () => await Customers.ListRefusedDealerFilingsAsync(new ListRefusedDealerFilingsRequest(), org.Secretary));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }
}
