using CustomerProtection.Protos;
using System.Globalization;
using System.Text;
using CustomerProtection.Platform.V1;
using CustomerProtection.Registration.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using NodaTime;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// Registration through the real AppHost: an organisation imported in Territory reaches Registration
/// over RabbitMQ, then filings, approvals, lapses after moving the shared clock, formal customers and
/// extensions, and a resignation moving customers to the pool. The clock is shared with other test
/// classes and only moves forward: every expectation is computed from the clock's own answer.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RegistrationTests(SystemFixture system)
{
    private Customers.CustomersClient Customers => new(system.Channel(ResourceNames.Registration));
    private Ownership.OwnershipClient Ownership => new(system.Channel(ResourceNames.Registration));
    private Clock.ClockClient RegistrationClock => new(system.Channel(ResourceNames.Registration));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    private sealed record Org(string S, Metadata S1, Metadata S2, Metadata Secretary, Metadata Manager, Metadata Regional)
    {
        public string Id(string name) => $"{name}-{S}";

        public string Branch => "B-SH-" + S;
    }

    /// <summary>The shared test organisation, with a regional manager of its region (a token only).</summary>
    private async Task<Org> ImportOrganisationAsync()
    {
        var org = await TestOrganisation.ImportAsync(system);
        return new Org(org.S, org.Salesperson1, org.As("S2", Roles.Salesperson), org.Secretary, org.As("BM", Roles.BranchManager),
            system.As("RM-" + org.S, Roles.RegionalManager, null, org.Region));
    }

    private async Task<GetTimeResponse> TimeAsync() => await RegistrationClock.GetTimeAsync(new GetTimeRequest(), Hq);

    private static LocalDate Date(Google.Type.Date day) => new(day.Year, day.Month, day.Day);

    private static string Iso(LocalDate date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Moves the shared clock and waits until Registration follows.</summary>
    private async Task AdvanceAsync(TimeSpan by)
    {
        var moved = await RegistrationClock.AdvanceAsync(new AdvanceRequest { By = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(by) }, Hq);
        await Eventually.GetAsync(async () =>
        {
            var t = await TimeAsync();
            return t.Offset.ToTimeSpan() >= moved.Offset.ToTimeSpan() ? t : null;
        }, "Registration following the clock", TimeSpan.FromSeconds(10));
    }

    private async Task<CustomerView> FileAsync(Org org, Metadata filer, string title, string? taxpayerId = null)
    {
        var today = (await TimeAsync()).Today.ToIso();
        return await Customers.FileCustomerAsync(new FileCustomerRequest
        {
            TaxpayerId = taxpayerId ?? "",
            InvoiceTitle = title,
            CustomerClass = CustomerClass.Potential,
            DeclaredAnnualSales = "100000",
            Contact = new Contact { Name = "王经理", Phone = "13812345678", Email = "wang@example.com" },
            EvidenceKind = FilingEvidenceKind.Visit,
            EvidenceDate = ProtoDays.Day(today),
            Evidence = "拜访纪要",
        }, filer);
    }

    private async Task<CustomerView> FileAndApproveAsync(Org org, Metadata filer, string title)
    {
        var filed = await FileAsync(org, filer, title);
        Assert.Equal(CustomerStatus.PendingApproval, filed.Status);
        return await Customers.ApproveFilingAsync(new CustomerProtection.Registration.V1.ApproveFilingRequest { CustomerId = filed.CustomerId }, org.Secretary);
    }

    private async Task<OwnershipHistory> HistoryWhenAsync(string customerId, OwnershipChange change, Metadata caller) =>
        await Eventually.GetAsync(async () =>
        {
            var history = await Customers.GetOwnershipHistoryAsync(new GetOwnershipHistoryRequest { CustomerId = customerId }, caller);
            return history.Events.Any(e => e.Change == change) ? history : null;
        }, $"history entry '{change}'");

    [Fact]
    public async Task P3_5_a_filing_approved_and_left_alone_lapses_after_its_period_and_the_customer_is_free()
    {
        var org = await ImportOrganisationAsync();
        var title = $"上海失效测试{org.S}有限公司";
        var approved = await FileAndApproveAsync(org, org.S1, title);

        Assert.Equal(CustomerStatus.Protected, approved.Status);
        Assert.True(approved.ProtectedNow);
        Assert.Equal(org.Id("S1"), approved.OwnerId);
        var announced = await Customers.ListAnnouncementsAsync(new ListAnnouncementsRequest { BranchId = org.Branch }, org.S2);
        Assert.Contains(announced.Customers, c => c.CustomerId == approved.CustomerId);

        // Past the last protected day (at least 31 days; more when art. 203 rolled the last day).
        var now = await TimeAsync();
        var endsAt = Date(approved.LastProtectedDay).PlusDays(1).AtStartOfDayInZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).ToDateTimeOffset();
        var by = TimeSpan.FromTicks(Math.Max(TimeSpan.FromDays(31).Ticks, (endsAt - now.Now.ToDateTimeOffset() + TimeSpan.FromMinutes(1)).Ticks));
        await AdvanceAsync(by);

        var ownership = await Ownership.GetOwnershipAsync(new GetOwnershipRequest { CustomerId = approved.CustomerId }, Hq);
        Assert.Equal((CustomerStatus.Lapsed, false, "", org.Id("S1")), (ownership.Status, ownership.ProtectedNow, ownership.OwnerId, ownership.PreviousOwnerId));
        var check = await Customers.CheckDuplicateAsync(new CheckDuplicateRequest { InvoiceTitle = title }, org.S2);
        Assert.Equal(DuplicateVerdict.Free, check.Verdict);

        // The due-queue writes the lapse and its ProtectionLapsed in one step: the history shows it.
        var history = await HistoryWhenAsync(approved.CustomerId, OwnershipChange.Lapsed, org.Secretary);
        Assert.Equal([OwnershipChange.Filed, OwnershipChange.Approved, OwnershipChange.Lapsed], history.Events.Select(e => e.Change));
        var pool = await Customers.ListPoolAsync(new ListPoolRequest { BranchId = org.Branch }, org.S2);
        Assert.Contains(pool.Customers, c => c.CustomerId == approved.CustomerId);
    }

    [Fact]
    public async Task P9_1_a_second_filing_of_the_same_identity_is_AlreadyExists_and_its_ErrorInfo_names_the_holder()
    {
        var org = await ImportOrganisationAsync();
        var title = $"重复备案{org.S}有限公司";
        var approved = await FileAndApproveAsync(org, org.S1, title);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await FileAsync(org, org.S2, title));

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        var info = error.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal("P-9.1", info.Reason);
        Assert.Equal(org.Id("S1"), info.Metadata["ownerId"]);
        Assert.Equal("张三", info.Metadata["ownerName"]);
        Assert.Equal(org.Branch, info.Metadata["branchId"]);
        Assert.Equal(approved.ApprovedOn.ToIso(), info.Metadata["since"]);
        Assert.Equal(approved.LastProtectedDay.ToIso(), info.Metadata["protectedUntil"]);
        Assert.Equal("prospect", info.Metadata["stage"]);
    }

    [Fact]
    public async Task P3_3_a_formal_customers_extension_is_refused_29_days_before_expiry_and_granted_30_days_before()
    {
        var org = await ImportOrganisationAsync();
        var refused = await FileAndApproveAsync(org, org.S1, $"正式客户甲{org.S}有限公司");
        var granted = await FileAndApproveAsync(org, org.S1, $"正式客户乙{org.S}有限公司");

        // P-1.1, P-3.1: the owner's first formal purchase, shipped today, starts 180 days for both: one last day.
        var today = Date((await TimeAsync()).Today);
        var late = await ShipAsync(refused.CustomerId, today);
        var timely = await ShipAsync(granted.CustomerId, today);
        Assert.Equal((CustomerStage.Formal, late.LastProtectedDay), (timely.Stage, timely.LastProtectedDay));
        var lastDay = Date(late.LastProtectedDay);

        await AdvanceAsync(TimeSpan.FromDays(Period.Between(today, lastDay.PlusDays(-30), PeriodUnits.Days).Days));
        var requested = await Customers.RequestExtensionAsync(new RequestExtensionRequest { CustomerId = granted.CustomerId, Days = 60, Reason = "订单周期" }, org.S1);
        Assert.Equal(60, requested.PendingExtension.Days);
        var extended = await Customers.DecideExtensionAsync(new DecideExtensionRequest { CustomerId = granted.CustomerId, Approve = true }, org.Manager);
        Assert.Equal(60, extended.ExtensionDays);
        // P-3.3: 180 + 60 days from the shipment (the first last day may have rolled forward, art. 203).
        Assert.True(Date(extended.LastProtectedDay) >= today.PlusDays(180 + 60));
        Assert.Equal(30, extended.ExtensionCapRemainingDays);

        await AdvanceAsync(TimeSpan.FromDays(1));
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Customers.RequestExtensionAsync(new RequestExtensionRequest { CustomerId = refused.CustomerId, Days = 60, Reason = "订单周期" }, org.S1));
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var info = error.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal("P-3.3", info.Reason);
        Assert.Equal(("29", "1", Iso(lastDay.PlusDays(-30))), (info.Metadata["leadTimeHave"], info.Metadata["daysMissing"], info.Metadata["latestRequestDate"]));
    }

    /// <summary>P-1.1, P-3.1 through hq's shipment RPC: a formal purchase shipped on <paramref name="on"/>.</summary>
    private async Task<CustomerView> ShipAsync(string customerId, LocalDate on)
    {
        var shipped = await Customers.RecordShipmentAsync(new RecordShipmentRequest
        {
            CustomerId = customerId,
            ShippedOn = ProtoDays.Day(Iso(on)),
            SaleId = "SALE-" + Guid.NewGuid().ToString("N")[..6],
        }, Hq);
        Assert.Equal(CustomerStage.Formal, shipped.Stage);
        return shipped;
    }

    [Fact]
    public async Task X1_CountHoldings_tells_the_branch_manager_what_each_salesperson_holds_against_the_cap()
    {
        var org = await ImportOrganisationAsync();
        await FileAndApproveAsync(org, org.S1, $"保有客户甲{org.S}有限公司");
        await FileAsync(org, org.S1, $"保有客户乙{org.S}有限公司");

        var counted = await Ownership.CountHoldingsAsync(new CountHoldingsRequest { BranchId = org.Branch }, org.Manager);

        Assert.Equal((org.Branch, CustomerProtection.Policy.PolicyParameters.Defaults.HoldingCap, false), (counted.BranchId, counted.HoldingCap, counted.FormalCustomersCount));
        // X-1 caps protected customers: the pending filing is beside the count, not in it.
        Assert.Equal([(org.Id("S1"), 1, 2, false), (org.Id("S2"), 0, 0, false), (org.Id("S3"), 0, 0, false)],
            counted.Holdings.Select(h => (h.EmployeeId, h.Held, h.PendingOrProtected, h.AtCap)));
        var denied = await Assert.ThrowsAsync<RpcException>(() => Ownership.CountHoldingsAsync(new CountHoldingsRequest { BranchId = org.Branch }, org.S1).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }

    [Fact]
    public async Task P12_a_resignation_recorded_in_Territory_moves_the_leavers_customers_to_the_pool()
    {
        var org = await ImportOrganisationAsync();
        var first = await FileAndApproveAsync(org, org.S2, $"离职客户甲{org.S}有限公司");
        var second = await FileAndApproveAsync(org, org.S2, $"离职客户乙{org.S}有限公司");

        await new OrganizationDirectory.OrganizationDirectoryClient(system.Channel(ResourceNames.Territory))
            .RecordEmployeeLeftAsync(new RecordEmployeeLeftRequest { EmployeeId = org.Id("S2"), Reason = "辞职" }, org.Manager);

        foreach (var customer in new[] { first, second })
        {
            var pooled = await Eventually.GetAsync(async () =>
            {
                var c = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.CustomerId }, org.Secretary);
                return c.Status == CustomerStatus.Pool ? c : null;
            }, "P-12 pool move");
            Assert.Equal(("", org.Id("S2")), (pooled.OwnerId, pooled.PreviousOwnerId));
            var history = await HistoryWhenAsync(customer.CustomerId, OwnershipChange.Pool, org.Secretary);
            Assert.Equal(org.Id("S2"), history.Events[^1].FromOwnerId);
        }

        var pool = await Customers.ListPoolAsync(new ListPoolRequest { BranchId = org.Branch }, org.S1);
        Assert.Contains(pool.Customers, c => c.CustomerId == first.CustomerId);
    }

    [Fact]
    public async Task X7_a_branch_imports_its_list_in_one_streaming_call_and_exports_it_masked_for_a_regional_manager()
    {
        var org = await ImportOrganisationAsync();
        var held = await FileAndApproveAsync(org, org.S2, $"已有客户{org.S}有限公司");
        var csv = $"""
            invoice_title,owner_id,customer_class,declared_annual_sales,contact_name,contact_phone
            导入客户甲{org.S}有限公司,{org.Id("S1")},important,350000,张三,13900001111
            已有客户{org.S}有限公司,{org.Id("S1")},ordinary,,,
            导入客户乙{org.S}有限公司,NOBODY,ordinary,,,
            """;

        using var call = Customers.ImportCustomers(org.Secretary);
        var bytes = Encoding.UTF8.GetBytes(csv);
        for (var offset = 0; offset < bytes.Length; offset += 64)
        {
            await call.RequestStream.WriteAsync(new ImportCustomersRequest { BranchId = org.Branch, Chunk = ByteString.CopyFrom(bytes, offset, Math.Min(64, bytes.Length - offset)) });
        }

        await call.RequestStream.CompleteAsync();
        var report = await call;

        Assert.Equal((3, 1, 1, 1), (report.Rows, report.Filed, report.Duplicates, report.Refused));
        Assert.Equal([ImportOutcome.Filed, ImportOutcome.Duplicate, ImportOutcome.Refused], report.Results.Select(r => r.Outcome));
        Assert.Equal((held.CustomerId, org.Id("S2")), (report.Results[1].CustomerId, report.Results[1].Holder.OwnerId));

        var exported = new StringBuilder();
        using var export = Customers.ExportCustomers(new ExportCustomersRequest { BranchId = org.Branch }, org.Regional);
        await foreach (var chunk in export.ResponseStream.ReadAllAsync())
        {
            exported.Append(chunk.Chunk.ToStringUtf8());
        }

        var text = exported.ToString();
        Assert.Contains("139****1111", text, StringComparison.Ordinal);
        Assert.DoesNotContain("13900001111", text, StringComparison.Ordinal);
        Assert.Contains(report.Results[0].CustomerId, text, StringComparison.Ordinal);
    }
}
