using System.Globalization;
using System.Text;
using Aspire.Hosting.Testing;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Registration.V1;
using CustomerProtection.Territory.V1;
using CustomerProtection.Testing;
using Grpc.Core;
using StackExchange.Redis;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// Issue 21 item 5 through the real AppHost: deal terms, financials and contracts in Registration and a
/// sale's prices and a region's asking prices in Territory are shown in clear only to the roles C-2
/// names, withheld from a salesperson and the regional roles, and nowhere in Redis in clear (C-4).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DealTermsTests(SystemFixture system)
{
    private Customers.CustomersClient Customers => new(system.Channel(ResourceNames.Registration));
    private SalesLedger.SalesLedgerClient Ledger => new(system.Channel(ResourceNames.Territory));
    private Pricing.PricingClient Pricing => new(system.Channel(ResourceNames.Territory));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    [Fact]
    public async Task C1_C2_C4_prices_and_deal_terms_are_clear_to_the_allowed_roles_withheld_from_a_salesperson_and_the_region_and_never_clear_in_redis()
    {
        var org = await TestOrganisation.ImportAsync(system);
        var regional = system.As("RM-" + org.S, Roles.RegionalManager, null, org.Region);
        var otherRegional = system.As("RM-W-" + org.S, Roles.RegionalManager, null, "R-WEST-" + org.S);
        var branchManager = org.As("BM", Roles.BranchManager);
        var salesperson2 = org.As("S2", Roles.Salesperson);
        var digits = string.Concat(org.S.Take(6).Select(c => (char)('0' + c % 10)));
        var unitPrice = $"7{digits[..3]}.{digits[3..5]}";
        var amount = (decimal.Parse(unitPrice, CultureInfo.InvariantCulture) * 3).ToString("0.00", CultureInfo.InvariantCulture);
        var askingPrice = $"6{digits[..3]}.{digits[4..6]}";
        var contact = new Contact
        {
            DealTerms = "月结 45 天，返利 " + digits,
            Financials = "营收 " + digits + " 万元",
            Contracts = "HT-" + digits + "-框架协议",
        };

        // Registration: S1 files the customer with its deal terms, financials and contracts.
        var title = $"交易条款{org.S}有限公司";
        var filing = TestOrganisation.Filing(title, "", await org.TodayAsync());
        filing.CustomerClass = CustomerClass.Important;
        filing.Contact = contact;
        var filed = await Customers.FileCustomerAsync(filing, org.Salesperson1);
        if (filed.Status != CustomerStatus.Protected)
        {
            await Customers.ApproveFilingAsync(new ApproveFilingRequest { CustomerId = filed.CustomerId }, org.Secretary);
        }

        var byOwner = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = filed.CustomerId }, org.Salesperson1);
        var byRegion = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = filed.CustomerId }, regional);
        Assert.Equal((contact.DealTerms, contact.Financials, contact.Contracts), (byOwner.Contact.DealTerms, byOwner.Contact.Financials, byOwner.Contact.Contracts));
        Assert.Equal(("", "", "", true), (byRegion.Contact.DealTerms, byRegion.Contact.Financials, byRegion.Contact.Contracts, byRegion.ContactMasked));

        // Territory: the ERP (here hq) posts S1's shipment; hq sets an asking price.
        var saleId = org.Id("DEAL");
        await Ledger.RecordSaleAsync(new RecordSaleRequest
        {
            Id = saleId,
            SellerId = org.Id("S1"),
            Customer = new CustomerProtection.Territory.V1.CustomerRef { InvoiceTitle = title },
            ProductCode = "P1",
            UnitPrice = unitPrice,
            Quantity = "3",
            ShippedOn = ProtoDays.Day(await org.TodayAsync()),
            RegionId = org.Region,
            Kind = CustomerProtection.Territory.V1.SaleKind.FormalPurchase,
        }, Hq);
        await Pricing.SetAskingPriceAsync(new SetAskingPriceRequest { RegionId = org.Region, ProductCode = "P1", Price = askingPrice }, Hq);

        var bySeller = await Ledger.GetSaleAsync(new GetSaleRequest { Id = saleId }, org.Salesperson1);
        var byManager = await Ledger.GetSaleAsync(new GetSaleRequest { Id = saleId }, branchManager);
        var byRegional = await Ledger.GetSaleAsync(new GetSaleRequest { Id = saleId }, regional);
        Assert.Equal((unitPrice, amount, false), (bySeller.UnitPrice, bySeller.Amount, bySeller.PricesWithheld));
        Assert.Equal((unitPrice, amount, false), (byManager.UnitPrice, byManager.Amount, byManager.PricesWithheld));
        Assert.Equal(("", "", true), (byRegional.UnitPrice, byRegional.Amount, byRegional.PricesWithheld));
        // C-5: the seller's and the manager's clear reads and the recording are entries of the one audit
        // log (Registration's), the regional manager's withheld read is not.
        var audit = new Audit.AuditClient(system.Channel(ResourceNames.Registration));
        var entries = await Eventually.GetAsync(async () =>
        {
            var page = await audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { CustomerId = filed.CustomerId }, Hq);
            var ofSale = page.AuditEntries.Where(e => e.Rpc.StartsWith("territory:", StringComparison.Ordinal)).ToList();
            return ofSale.Count >= 3 ? ofSale : null;
        }, "Territory's audit entries in Registration's log");
        // (The three arrive over the bus, in any order.)
        Assert.Equal(
            new[] { (AuditEntryKind.Change, "HQ-1", "territory:SalesLedger/RecordSale"), (AuditEntryKind.Read, org.Id("BM"), "territory:SalesLedger/GetSale"), (AuditEntryKind.Read, org.Id("S1"), "territory:SalesLedger/GetSale") }.Order(),
            entries.Select(e => (e.Kind, e.EmployeeId, e.Rpc)).Order());
        Assert.All(entries, e => Assert.Equal(["unit_price", "amount"], e.Fields));

        var credits = await Ledger.ListCreditsAsync(new ListCreditsRequest { EmployeeId = org.Id("S1") }, regional);
        Assert.Equal((saleId, "", "", true), (Assert.Single(credits.Credits).SaleId, credits.Credits[0].Amount, credits.Total, credits.AmountsWithheld));

        var askedBySalesperson = await Pricing.GetAskingPriceAsync(new GetAskingPriceRequest { RegionId = org.Region, ProductCode = "P1" }, salesperson2);
        var askedByOtherRegion = await Pricing.GetAskingPriceAsync(new GetAskingPriceRequest { RegionId = org.Region, ProductCode = "P1" }, otherRegional);
        var askedByRegion = await Pricing.GetAskingPriceAsync(new GetAskingPriceRequest { RegionId = org.Region, ProductCode = "P1" }, regional);
        Assert.Equal(("", true), (askedBySalesperson.InForce.Price, askedBySalesperson.PricesWithheld));
        Assert.Equal(("", true), (askedByOtherRegion.InForce.Price, askedByOtherRegion.PricesWithheld));
        Assert.Equal((askingPrice, false), (askedByRegion.InForce.Price, askedByRegion.PricesWithheld));

        // C-4: nothing of it in clear in any key or value of the AppHost's Redis, once the outboxes
        // have relayed the events (which carry amounts to their consumers).
        var connectionString = await system.App.GetConnectionStringAsync(ResourceNames.Redis) ?? throw new InvalidOperationException("no redis");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString + ",allowAdmin=true");
        await Eventually.GetAsync(async () => await redis.GetDatabase().StreamLengthAsync("cp:{territory}:outbox") == 0 ? "relayed" : null, "Territory's outbox relayed");
        var everything = await EveryKeyAndValueAsync(redis);
        Assert.Contains(saleId, everything, StringComparison.Ordinal); // the scan sees what is there
        foreach (var clear in new[] { unitPrice, askingPrice, contact.DealTerms, contact.Financials, contact.Contracts })
        {
            Assert.DoesNotContain(clear, everything, StringComparison.Ordinal);
        }

        // The amount is sealed in Territory's and Registration's keyspaces (Arbitration keeps deal
        // amounts for P-2.4's milestones in its own ledger).
        Assert.DoesNotContain(amount, await EveryKeyAndValueAsync(redis, "cp:{territory}:*"), StringComparison.Ordinal);
        Assert.DoesNotContain(amount, await EveryKeyAndValueAsync(redis, "cp:{registration}:*"), StringComparison.Ordinal);
    }

    private static async Task<string> EveryKeyAndValueAsync(ConnectionMultiplexer redis, string pattern = "*") =>
        Encoding.UTF8.GetString(await RedisContent.EveryKeyAndValueAsync(redis, pattern));
}
