using CustomerProtection.Penalty.V1;
using CustomerProtection.Policy.Identity;
using CustomerProtection.Registration.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Google.Rpc;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// Issue 18 end to end (docs/ownership.md): the one ownership gate in Registration, seen from the
/// outside through the real AppHost. P-2.5: a record with a taxpayer id and a title-only record of the
/// same invoice title are the same customer, on every path (filing, the X-4 duplicate check, Territory's
/// owner lookup before a sale). P-12 with its Interpretation: a leaver's pool customer is taken, by a
/// claim or by a filing, only by the branch's salespeople, and inside the priority window only by its
/// priority claimants. Every test imports its own organisation and uses titles and taxpayer ids of its own.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class OwnershipGateTests(SystemFixture system)
{
    private Customers.CustomersClient Customers => new(system.Channel(ResourceNames.Registration));
    private SalesLedger.SalesLedgerClient Ledger => new(system.Channel(ResourceNames.Territory));
    private Penalties.PenaltiesClient Penalty => new(system.Channel(ResourceNames.Penalty));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>A filing after a visit today (P-2.1); <paramref name="taxpayerId"/> empty: identity by invoice title.</summary>
    private async Task<CustomerView> FileAsync(TestOrganisation org, Metadata filer, string title, string? taxpayerId = null) =>
        await Customers.FileCustomerAsync(TestOrganisation.Filing(title, taxpayerId ?? "", await org.TodayAsync()), filer);

    /// <summary>The filer files and the branch secretary approves (unless the branch auto-approved it): the filer protects it.</summary>
    private async Task<CustomerView> FileAndApproveAsync(TestOrganisation org, Metadata filer, string title, string? taxpayerId = null)
    {
        var filed = await FileAsync(org, filer, title, taxpayerId);
        var approved = filed.Status == CustomerStatus.Protected
            ? filed
            : await Customers.ApproveFilingAsync(new CustomerProtection.Registration.V1.ApproveFilingRequest { CustomerId = filed.CustomerId }, org.Secretary);
        Assert.Equal(CustomerStatus.Protected, approved.Status);
        return approved;
    }

    private static ErrorInfo Refusal(RpcException error, StatusCode code, string reason)
    {
        Assert.True(error.StatusCode == code, $"expected {code}, got {error.StatusCode}: {error.Status.Detail}");
        var info = error.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal(reason, info.Reason);
        return info;
    }

    [Fact]
    public async Task P2_5_a_title_only_filing_of_a_company_filed_with_its_taxpayer_id_is_refused()
    {
        var org = await TestOrganisation.ImportAsync(system);
        var s2 = org.As("S2", Roles.Salesperson);

        // S1 files the company with its taxpayer id; S2 files the same invoice title without one.
        var title = $"无锡探针科技有限公司-{org.S}";
        var held = await FileAndApproveAsync(org, org.Salesperson1, title, TestOrganisation.NewTaxpayerId());

        var error = await Assert.ThrowsAsync<RpcException>(async () => await FileAsync(org, s2, title));
        var info = Refusal(error, StatusCode.AlreadyExists, "P-9.1");
        Assert.Equal((org.Id("S1"), org.Branch, "invoice_title"), (info.Metadata["ownerId"], info.Metadata["branchId"], info.Metadata["matchedBy"]));

        // the title alone is taken, by S1.
        var check = await Customers.CheckDuplicateAsync(new CheckDuplicateRequest { InvoiceTitle = title }, s2);
        Assert.Equal(DuplicateVerdict.Taken, check.Verdict);
        Assert.Equal((held.CustomerId, org.Id("S1")), (check.Holder.CustomerId, check.Holder.OwnerId));

        // The reverse order: S1 files by title only, S2 files the same title with a taxpayer id.
        var titleOnly = $"无锡探针科技有限公司-{org.S}-{Unique()}";
        var heldByTitle = await FileAndApproveAsync(org, org.Salesperson1, titleOnly);
        var taxpayerId = TestOrganisation.NewTaxpayerId();

        var reverse = await Assert.ThrowsAsync<RpcException>(async () => await FileAsync(org, s2, titleOnly, taxpayerId));
        var reverseInfo = Refusal(reverse, StatusCode.AlreadyExists, "P-9.1");
        Assert.Equal((org.Id("S1"), org.Branch, "invoice_title"), (reverseInfo.Metadata["ownerId"], reverseInfo.Metadata["branchId"], reverseInfo.Metadata["matchedBy"]));
        var reverseCheck = await Customers.CheckDuplicateAsync(new CheckDuplicateRequest { TaxpayerId = taxpayerId, InvoiceTitle = titleOnly }, s2);
        Assert.Equal(DuplicateVerdict.Taken, reverseCheck.Verdict);
        Assert.Equal((heldByTitle.CustomerId, org.Id("S1")), (reverseCheck.Holder.CustomerId, reverseCheck.Holder.OwnerId));
    }

    [Fact]
    public async Task P12_a_salesperson_of_another_branch_cannot_file_a_leavers_pool_customer()
    {
        var a = await TestOrganisation.ImportAsync(system);
        var b = await TestOrganisation.ImportAsync(system);
        var title = $"无锡探针科技有限公司-{a.S}";
        var taxpayerId = TestOrganisation.NewTaxpayerId();
        var customer = await FileAndApproveAsync(a, a.Salesperson1, title, taxpayerId);

        // S1 leaves (Territory's directory); Registration moves S1's customers to branch A's pool.
        await new OrganizationDirectory.OrganizationDirectoryClient(system.Channel(ResourceNames.Territory))
            .RecordEmployeeLeftAsync(new RecordEmployeeLeftRequest { EmployeeId = a.Id("S1"), Reason = "辞职" }, a.As("BM", Roles.BranchManager));
        var pooled = await Eventually.GetAsync(async () =>
        {
            var c = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.CustomerId }, a.Secretary);
            return c.Status == CustomerStatus.Pool ? c : null;
        }, "P-12 pool move");
        Assert.Equal((a.Branch, "", a.Id("S1")), (pooled.BranchId, pooled.OwnerId, pooled.PreviousOwnerId));

        // A salesperson of branch B cannot file it (P-12, Interpretation: other branches never take it).
        var otherBranch = await Assert.ThrowsAsync<RpcException>(async () => await FileAsync(b, b.Salesperson1, title, taxpayerId));
        Refusal(otherBranch, StatusCode.FailedPrecondition, "P-12");

        // Nor claim it (today a scope refusal; the gate may answer P-12 instead).
        var otherClaim = await Assert.ThrowsAsync<RpcException>(async () =>
            await Customers.ClaimFromPoolAsync(new ClaimFromPoolRequest { CustomerId = customer.CustomerId }, b.Salesperson1));
        Assert.True(otherClaim.StatusCode is StatusCode.PermissionDenied or StatusCode.FailedPrecondition, $"{otherClaim.StatusCode}: {otherClaim.Status.Detail}");

        // S3 of branch A (hired 2020, not marked behind target) is no priority claimant: inside the
        // 3-day window neither a claim nor a filing takes it.
        var s3 = a.As("S3", Roles.Salesperson);
        var claim = await Assert.ThrowsAsync<RpcException>(async () =>
            await Customers.ClaimFromPoolAsync(new ClaimFromPoolRequest { CustomerId = customer.CustomerId }, s3));
        Refusal(claim, StatusCode.FailedPrecondition, "P-12");
        var filing = await Assert.ThrowsAsync<RpcException>(async () => await FileAsync(a, s3, title, taxpayerId));
        Refusal(filing, StatusCode.FailedPrecondition, "P-12");

        // Nothing changed: still in branch A's pool, without an owner.
        var after = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.CustomerId }, a.Secretary);
        Assert.Equal((CustomerStatus.Pool, a.Branch, "", a.Id("S1"), pooled.Version), (after.Status, after.BranchId, after.OwnerId, after.PreviousOwnerId, after.Version));
        var history = await Customers.GetOwnershipHistoryAsync(new GetOwnershipHistoryRequest { CustomerId = customer.CustomerId }, a.Secretary);
        Assert.Equal(OwnershipChange.Pool, history.Events[^1].Change);
        var check = await Customers.CheckDuplicateAsync(new CheckDuplicateRequest { TaxpayerId = taxpayerId, InvoiceTitle = title }, b.Salesperson1);
        Assert.Equal((customer.CustomerId, CustomerStatus.Pool), (check.Holder.CustomerId, check.Holder.Status));
    }

    [Fact]
    public async Task P2_5_a_sale_by_someone_else_to_a_title_only_customer_is_detected()
    {
        var org = await TestOrganisation.ImportAsync(system);
        var title = $"无锡探针传感有限公司-{org.S}";
        var customer = await FileAndApproveAsync(org, org.Salesperson1, title);

        // The ERP posts S2's shipment naming the company by its taxpayer id and the same invoice title.
        var sale = await Ledger.RecordSaleAsync(new RecordSaleRequest
        {
            Id = org.Id("ERP"),
            SellerId = org.Id("S2"),
            Customer = new CustomerProtection.Territory.V1.CustomerRef { TaxpayerId = TestOrganisation.NewTaxpayerId(), InvoiceTitle = title },
            ProductCode = "P1",
            UnitPrice = "100.00",
            Quantity = "5",
            ShippedOn = ProtoDays.Day(await org.TodayAsync()),
            RegionId = org.Region,
            Kind = CustomerProtection.Territory.V1.SaleKind.FormalPurchase,
        }, system.As("ERP-" + org.S, Roles.Erp));

        // Registration answered with the title-only record: S1 owns it, S2's sale is poaching (P-5).
        Assert.Equal((org.Id("S1"), customer.CustomerId), (sale.OwnerId, sale.CustomerId));
        var violation = Assert.Single(sale.Violations);
        Assert.Equal(("P-5", SaleViolationKind.Poaching, org.Id("S2"), org.Id("S1")), (violation.RuleId, violation.Kind, violation.ViolatorId, violation.InjuredEmployeeId));

        // ViolationDetected crossed RabbitMQ: Penalty holds it and fines S2 (P-8.1).
        var received = await Eventually.GetAsync(async () =>
            await Penalty.GetViolationAsync(new GetViolationRequest { ViolationId = violation.ViolationId }, Hq), "ViolationDetected in Penalty");
        Assert.Equal(("P-5", org.Id("S2"), org.Id("S1")), (received.RuleId, received.Violator.EmployeeId, received.InjuredEmployeeId));
        var fine = await Eventually.GetAsync(async () =>
            await Penalty.GetFineAsync(new GetFineRequest { FineId = violation.ViolationId + ".violator" }, Hq), "the seller's fine");
        Assert.Equal((org.Id("S2"), Liability.Violator, "5000.00"), (fine.EmployeeId, fine.Liability, fine.Amount));
    }
}
