using CustomerProtection.Protos;
using System.Text;
using CustomerProtection.Platform.V1;
using CustomerProtection.Registration.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Google.Protobuf;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// The sales ledger through the real AppHost, with Registration answering who owns the customer
/// (Territory's gRPC client, acting with the caller's token).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TerritorySalesTests(SystemFixture system)
{
    private SalesLedger.SalesLedgerClient Ledger => new(system.Channel(ResourceNames.Territory));
    private Customers.CustomersClient RegistrationCustomers => new(system.Channel(ResourceNames.Registration));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    private sealed record Organisation(string Suffix, Metadata Owner, Metadata Poacher, Metadata Secretary)
    {
        public string Id(string name) => $"{name}-{Suffix}";
    }

    private async Task<Organisation> ImportAsync()
    {
        var s = Guid.NewGuid().ToString("N")[..8];
        var json = $$"""
            {"regions":[{"id":"R-EAST-{{s}}","name":"华东大区"}],
             "branches":[{"id":"B-SH-{{s}}","region_id":"R-EAST-{{s}}","name":"上海分公司","kind":"branch"}],
             "employees":[{"id":"S1-{{s}}","name":"张三","role":"salesperson","branch_id":"B-SH-{{s}}"},
                          {"id":"S2-{{s}}","name":"王五","role":"salesperson","branch_id":"B-SH-{{s}}"},
                          {"id":"SEC-{{s}}","name":"秘书","role":"branch_secretary","branch_id":"B-SH-{{s}}"}]}
            """;
        await new OrganizationDirectory.OrganizationDirectoryClient(system.Channel(ResourceNames.Territory))
            .ImportOrganizationAsync(new ImportOrganizationRequest { Format = ImportFormat.Json, Content = ByteString.CopyFrom(json, Encoding.UTF8) }, Hq);
        var replica = new OrganizationReplica.OrganizationReplicaClient(system.Channel(ResourceNames.Registration));
        foreach (var id in new[] { "S1-" + s, "SEC-" + s })
        {
            await Eventually.GetAsync(async () => await replica.GetEmployeeAsync(new GetEmployeeReplicaRequest { EmployeeId = id }, Hq), $"{id} in Registration");
        }

        return new Organisation(s,
            system.As("S1-" + s, Roles.Salesperson, "B-SH-" + s, "R-EAST-" + s),
            system.As("S2-" + s, Roles.Salesperson, "B-SH-" + s, "R-EAST-" + s),
            system.As("SEC-" + s, Roles.BranchSecretary, "B-SH-" + s, "R-EAST-" + s));
    }

    /// <summary>S1 files the customer and the branch secretary approves: S1 protects it (P-2.1).</summary>
    private async Task<string> ProtectedCustomerAsync(Organisation org)
    {
        var today = (await new Clock.ClockClient(system.Channel(ResourceNames.Registration)).GetTimeAsync(new GetTimeRequest(), Hq)).Today.ToIso();
        var title = $"华光精密{org.Suffix}有限公司";
        var filed = await RegistrationCustomers.FileCustomerAsync(new FileCustomerRequest
        {
            InvoiceTitle = title,
            CustomerClass = CustomerClass.Important,
            DeclaredAnnualSales = "100000",
            EvidenceKind = FilingEvidenceKind.Visit,
            EvidenceDate = ProtoDays.Day(today),
            Evidence = "拜访 / visit",
        }, org.Owner);
        if (filed.Status != CustomerStatus.Protected)
        {
            await RegistrationCustomers.ApproveFilingAsync(new CustomerProtection.Registration.V1.ApproveFilingRequest { CustomerId = filed.CustomerId }, org.Secretary);
        }

        return title;
    }

    private static RecordSaleRequest Poaching(Organisation org, string title, string saleId, string shippedOn) => new()
    {
        Id = saleId,
        SellerId = org.Id("S2"),
        Customer = new CustomerProtection.Territory.V1.CustomerRef { InvoiceTitle = title },
        ProductCode = "P1",
        UnitPrice = "100.00",
        Quantity = "5",
        ShippedOn = ProtoDays.Day(shippedOn),
        RegionId = org.Id("R-EAST"),
        Kind = CustomerProtection.Territory.V1.SaleKind.FormalPurchase,
    };

    [Fact]
    public async Task P3_6_the_authorisation_asks_Registration_and_forbids_selling_to_another_salespersons_protected_customer()
    {
        var org = await ImportAsync();
        var title = await ProtectedCustomerAsync(org);

        var answer = await Ledger.AuthorizeSaleAsync(new AuthorizeSaleRequest
        {
            Customer = new CustomerProtection.Territory.V1.CustomerRef { InvoiceTitle = title },
            ProductCode = "P1",
            UnitPrice = "100.00",
            RegionId = org.Id("R-EAST"),
        }, org.Poacher);

        Assert.Equal(SaleDecision.Forbidden, answer.Decision);
        Assert.Equal(org.Id("S1"), answer.OwnerId);
        var finding = Assert.Single(answer.Findings);
        Assert.Equal("P-3.6", finding.RuleId);
        Assert.Equal(org.Id("S1"), finding.Metadata["owner_id"]);
        Assert.Equal(SaleDecision.Allowed, (await Ledger.AuthorizeSaleAsync(new AuthorizeSaleRequest
        {
            Customer = new CustomerProtection.Territory.V1.CustomerRef { InvoiceTitle = title },
            ProductCode = "P1",
            UnitPrice = "100.00",
            RegionId = org.Id("R-EAST"),
        }, org.Owner)).Decision);
    }

    [Fact]
    public async Task P5_a_poaching_sale_recorded_twice_yields_exactly_one_violation()
    {
        var org = await ImportAsync();
        var title = await ProtectedCustomerAsync(org);
        var today = (await new Clock.ClockClient(system.Channel(ResourceNames.Territory)).GetTimeAsync(new GetTimeRequest(), Hq)).Today.ToIso();
        var saleId = org.Id("ERP");

        var first = await Ledger.RecordSaleAsync(Poaching(org, title, saleId, today), Hq);
        var again = await Ledger.RecordSaleAsync(Poaching(org, title, saleId, today), Hq);

        var violation = Assert.Single(first.Violations);
        Assert.Equal("P-5", violation.RuleId);
        Assert.Equal(org.Id("S2"), violation.ViolatorId);
        Assert.Equal(org.Id("S1"), violation.InjuredEmployeeId);
        Assert.Equal("500.00", violation.CustomerAnnualShipments);
        Assert.Equal([violation.ViolationId], again.Violations.Select(v => v.ViolationId));
        Assert.Equal(first.RecordedAt, again.RecordedAt);

        var listed = await Ledger.ListViolationsAsync(new ListSaleViolationsRequest { PageSize = 500 }, org.Owner);
        Assert.Single(listed.Violations, v => v.SaleId == saleId);
        Assert.Equal(org.Id("S1"), first.CreditedTo);

        // ViolationDetected crossed RabbitMQ to Penalty, which holds it under the same id once.
        var penalties = new CustomerProtection.Penalty.V1.Penalties.PenaltiesClient(system.Channel(ResourceNames.Penalty));
        var received = await Eventually.GetAsync(async () =>
            await penalties.GetViolationAsync(new CustomerProtection.Penalty.V1.GetViolationRequest { ViolationId = violation.ViolationId }, Hq), "ViolationDetected in Penalty");
        Assert.Equal("P-5", received.RuleId);
        var branch = await penalties.ListViolationsAsync(new CustomerProtection.Penalty.V1.ListViolationsRequest { BranchId = org.Id("B-SH"), PageSize = 500 }, Hq);
        Assert.Single(branch.Violations, v => v.Id == violation.ViolationId);
    }
}
