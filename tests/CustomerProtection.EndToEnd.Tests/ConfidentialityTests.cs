using CustomerProtection.Protos;
using System.Text;
using Aspire.Hosting.Testing;
using CustomerProtection.Platform.V1;
using CustomerProtection.Registration.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Testing;
using Google.Rpc;
using Grpc.Core;
using StackExchange.Redis;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// Confidential customer data through the real AppHost (C-2..C-7): a C-3 grant approved by the branch
/// manager that expires when the shared clock passes it, an incident that freezes an account at once,
/// and a scan of the AppHost's own Redis (keys, values, snapshot and AOF) for the planted contact values.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ConfidentialityTests(SystemFixture system)
{
    private Customers.CustomersClient Customers => new(system.Channel(ResourceNames.Registration));
    private AccessGrants.AccessGrantsClient Grants => new(system.Channel(ResourceNames.Registration));
    private Incidents.IncidentsClient Incidents => new(system.Channel(ResourceNames.Registration));
    private Audit.AuditClient AuditLog => new(system.Channel(ResourceNames.Registration));
    private Clock.ClockClient RegistrationClock => new(system.Channel(ResourceNames.Registration));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    private sealed record Org(string S, Metadata Owner, Metadata Secretary, Metadata Manager, Metadata Regional)
    {
        public string OwnerId => "S1-" + S;
    }

    /// <summary>The shared test organisation, with its branch manager and a regional manager of its region (a token only).</summary>
    private async Task<Org> ImportOrganisationAsync()
    {
        var org = await TestOrganisation.ImportAsync(system);
        return new Org(org.S, org.Salesperson1, org.Secretary, org.As("BM", Roles.BranchManager),
            system.As("RM-" + org.S, Roles.RegionalManager, null, org.Region));
    }

    private static Contact PlantedContact(string tag) => new()
    {
        Name = "保密联系人" + tag,
        Phone = "1370" + tag[..7].Select(c => (char)('0' + c % 10)).Aggregate("", (a, c) => a + c),
        Email = $"secret.{tag}@example.com",
        Address = "上海市保密路 " + tag,
        BankAccount = "62220" + tag[..8].Select(c => (char)('0' + c % 10)).Aggregate("", (a, c) => a + c) + "777",
    };

    private async Task<CustomerView> FileAndApproveAsync(Org org, string title, Contact contact)
    {
        var today = (await RegistrationClock.GetTimeAsync(new GetTimeRequest(), Hq)).Today.ToIso();
        var filed = await Customers.FileCustomerAsync(new FileCustomerRequest
        {
            InvoiceTitle = title,
            CustomerClass = CustomerClass.Potential,
            DeclaredAnnualSales = "100000",
            Contact = contact,
            EvidenceKind = FilingEvidenceKind.Visit,
            EvidenceDate = ProtoDays.Day(today),
            Evidence = "拜访纪要",
        }, org.Owner);
        return await Customers.ApproveFilingAsync(new CustomerProtection.Registration.V1.ApproveFilingRequest { CustomerId = filed.CustomerId }, org.Secretary);
    }

    [Fact]
    public async Task C3_a_regional_manager_sees_the_contact_once_the_branch_manager_approves_and_masked_again_when_the_clock_passes_the_grant()
    {
        var org = await ImportOrganisationAsync();
        var contact = PlantedContact(org.S);
        var customer = await FileAndApproveAsync(org, $"保密授权{org.S}有限公司", contact);
        var before = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.CustomerId }, org.Regional);
        Assert.True(before.ContactMasked);
        Assert.Equal("", before.Contact.BankAccount);

        var request = await Grants.RequestAccessAsync(new RequestAccessRequest { CustomerId = customer.CustomerId, Purpose = Purpose.Administration, Reason = "区域核查", Days = 1 }, org.Regional);
        var denied = await Assert.ThrowsAsync<RpcException>(() => Grants.DecideAccessAsync(new DecideAccessRequest { GrantId = request.GrantId, Approve = true }, org.Secretary).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        var approved = await Grants.DecideAccessAsync(new DecideAccessRequest { GrantId = request.GrantId, Approve = true }, org.Manager);
        Assert.Equal(AccessGrantStatus.Active, approved.Status);

        var granted = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.CustomerId }, org.Regional);
        Assert.Equal((false, contact.Phone, contact.BankAccount), (granted.ContactMasked, granted.Contact.Phone, granted.Contact.BankAccount));

        // Past the grant's end by the shared clock: nothing runs, the grant is simply over.
        var moved = await RegistrationClock.AdvanceAsync(new AdvanceRequest { By = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1)) }, Hq);
        await Eventually.GetAsync(async () =>
        {
            var t = await RegistrationClock.GetTimeAsync(new GetTimeRequest(), Hq);
            return t.Offset.ToTimeSpan() >= moved.Offset.ToTimeSpan() ? t : null;
        }, "Registration following the clock", TimeSpan.FromSeconds(10));
        var after = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.CustomerId }, org.Regional);
        Assert.True(after.ContactMasked);
        Assert.Equal(AccessGrantStatus.Expired, (await Grants.GetAccessGrantAsync(new GetAccessGrantRequest { GrantId = request.GrantId }, org.Regional)).Status);
    }

    [Fact]
    public async Task C5_C6_changes_answer_without_the_contact_so_the_only_clear_reads_in_the_audit_log_are_the_ones_asked_for()
    {
        var org = await ImportOrganisationAsync();
        var approved = await FileAndApproveAsync(org, $"保密最少{org.S}有限公司", PlantedContact(org.S));
        var today = (await RegistrationClock.GetTimeAsync(new GetTimeRequest(), Hq)).Today.ToIso();
        var shipped = await Customers.RecordShipmentAsync(new RecordShipmentRequest { CustomerId = approved.CustomerId, ShippedOn = ProtoDays.Day(today), SaleId = "SALE-" + org.S }, Hq);

        Assert.Equal((CustomerStatus.Protected, (Contact?)null, false), (approved.Status, approved.Contact, approved.ContactMasked));
        Assert.Equal((CustomerStage.Formal, (Contact?)null), (shipped.Stage, shipped.Contact));
        var read = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = approved.CustomerId }, org.Secretary);
        Assert.Equal(PlantedContact(org.S).Phone, read.Contact.Phone);

        var entries = (await Eventually.GetAsync(async () =>
        {
            var page = await AuditLog.ListAuditEntriesAsync(new ListAuditEntriesRequest { CustomerId = approved.CustomerId }, Hq);
            return page.AuditEntries.Count >= 2 ? page : null;
        }, "the filing and the read chained")).AuditEntries;
        Assert.Equal([(AuditEntryKind.Change, "Customers/FileCustomer"), (AuditEntryKind.Read, "Customers/GetCustomer")], entries.Select(e => (e.Kind, e.Rpc)));
    }

    [Fact]
    public async Task C7_an_incident_freezes_the_named_account_at_once_and_lists_the_customers_it_read_from_the_audit_log()
    {
        var org = await ImportOrganisationAsync();
        var customer = await FileAndApproveAsync(org, $"保密事件{org.S}有限公司", PlantedContact(org.S));
        var read = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.CustomerId }, org.Owner);
        Assert.False(read.ContactMasked);

        var incident = await Incidents.RecordIncidentAsync(new RecordIncidentRequest { Description = "疑似导出客户电话", EmployeeIds = { org.OwnerId } }, Hq);

        var frozen = await Assert.ThrowsAsync<RpcException>(() => Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.CustomerId }, org.Owner).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, frozen.StatusCode);
        Assert.Equal("C-7", frozen.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        var affected = await Incidents.ListAffectedCustomersAsync(new ListAffectedCustomersRequest { IncidentId = incident.IncidentId }, Hq);
        Assert.Contains(affected.AffectedCustomers, c => c.CustomerId == customer.CustomerId && c.EmployeeIds.Contains(org.OwnerId));
        var entries = await AuditLog.ListAuditEntriesAsync(new ListAuditEntriesRequest { EmployeeId = org.OwnerId }, Hq);
        Assert.Contains(entries.AuditEntries, e => e.Kind == AuditEntryKind.Read && e.CustomerId == customer.CustomerId && e.Rpc == "Customers/GetCustomer" && e.Fields.Contains("contact_phone"));
        Assert.True((await AuditLog.VerifyAuditAsync(new VerifyAuditRequest(), Hq)).Intact);

        await Incidents.UnfreezeAccountAsync(new UnfreezeAccountRequest { IncidentId = incident.IncidentId, EmployeeId = org.OwnerId, Reason = "排除嫌疑" }, Hq);
        Assert.False((await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.CustomerId }, org.Owner)).ContactMasked);
    }

    [Fact]
    public async Task C4_the_apphosts_redis_holds_no_planted_phone_email_or_bank_account_in_any_key_value_snapshot_or_aof()
    {
        var org = await ImportOrganisationAsync();
        var contact = PlantedContact(org.S);
        var title = $"保密扫描{org.S}有限公司";
        var customer = await FileAndApproveAsync(org, title, contact);
        Assert.Equal(contact.Email, (await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.CustomerId }, org.Owner)).Contact.Email);

        var connectionString = await system.App.GetConnectionStringAsync(ResourceNames.Redis) ?? throw new InvalidOperationException("no redis");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString + ",allowAdmin=true");
        var server = redis.GetServers().Single();
        await server.ConfigSetAsync("rdbcompression", "no");
        // A background save may be running (the backup worker's snapshot, an AOF rewrite): SAVE once it is done.
        await Eventually.GetAsync(async () =>
        {
            try
            {
                await server.ExecuteAsync("SAVE");
                return "";
            }
            catch (RedisServerException ex) when (ex.Message.Contains("in progress", StringComparison.Ordinal))
            {
                return null;
            }
        }, "SAVE after the background save in progress");
        var directory = (await server.ConfigGetAsync("dir")).Single().Value;
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".rdb", StringComparison.Ordinal) || f.EndsWith(".aof", StringComparison.Ordinal))
            .Select(File.ReadAllBytes)
            .Append(await RedisContent.EveryKeyAndValueAsync(redis))
            .ToList();

        foreach (var planted in new[] { contact.Phone, contact.Email, contact.BankAccount, contact.Name })
        {
            var bytes = Encoding.UTF8.GetBytes(planted);
            Assert.All(files, f => Assert.Equal(-1, f.AsSpan().IndexOf(bytes)));
        }

        // The scan sees what is there: the public invoice title is in the keyspace and on disk.
        Assert.True(files.Count(f => f.AsSpan().IndexOf(Encoding.UTF8.GetBytes(title)) >= 0) >= 2);
    }
}
