using System.Text;
using CustomerProtection.Contracts.Organization;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Storage;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using CustomerProtection.Testing;
using Microsoft.Extensions.Time.Testing;
using static CustomerProtection.Territory.Tests.ProtoDay;

namespace CustomerProtection.Territory.Tests;

/// <summary>
/// P-2.5: a taxpayer id or an invoice title that cannot be normalised (a lone or reversed surrogate,
/// U+FFFE, U+FFFF) is refused on its own field — customers named in sales, dealers appointed or
/// imported — never thrown as ArgumentException (gRPC Unknown). Store paths on a real redis-server.
/// </summary>
public sealed class IdentityTextTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private const string Code = "91350100M000100Y43";
    private const string Title = "无锡华光电子有限公司";
    private static readonly Caller Hq = new("H1", Roles.Hq, null, null);

    // Named, not written out: xunit would carry a lone surrogate in a test case's data as U+FFFD.
    private static readonly Dictionary<string, string> BadTexts = new()
    {
        ["U+FFFE"] = "\uFFFE",
        ["U+FFFF"] = "\uFFFF",
        ["lone high surrogate"] = "\uD800",
        ["lone low surrogate"] = "\uDC00",
        ["reversed pair"] = "\uDC00\uD800",
    };

    private readonly RedisOutbox _outbox = new("territory");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.FromHours(8)));

    private DirectoryStore Directory => new(redis.Connection, _outbox, Sealing.Records);

    public static TheoryData<string> Bad() => [.. BadTexts.Keys];

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Spoilt(string text, string bad) => text.Insert(text.Length / 2, BadTexts[bad]);

    private static void AssertRefusedOn(IEnumerable<FieldViolation> violations, params string[] fields)
    {
        var list = violations.ToList();
        Assert.Equal(fields.Order(), list.Select(v => v.Field).Order());
        Assert.All(list, v =>
        {
            Assert.Contains("无法规范化", v.Description, StringComparison.Ordinal);
            Assert.Contains("cannot be normalised", v.Description, StringComparison.Ordinal);
        });
    }

    private async Task AssertNothingWrittenAsync() =>
        Assert.Empty(await redis.Connection.GetServer(redis.ConnectionString).KeysAsync(pattern: DirectoryKeys.Prefix + "*").ToListAsync());

    [Theory]
    [MemberData(nameof(Bad))]
    public void P2_5_a_customer_whose_taxpayer_id_cannot_be_normalised_is_refused_on_customer_taxpayer_id(string bad)
    {
        var violations = new List<FieldViolation>();

        var resolved = Customers.Resolve(violations, "", new CustomerRef(null, Spoilt(Code, bad), Title));

        AssertRefusedOn(violations, "customer.taxpayer_id");
        Assert.Null(resolved.IdentityKey);
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public void P2_5_a_customer_whose_title_cannot_be_normalised_is_refused_on_customer_invoice_title_with_or_without_a_taxpayer_id(string bad)
    {
        var withId = new List<FieldViolation>();
        var withoutId = new List<FieldViolation>();
        var both = new List<FieldViolation>();

        Assert.Null(Customers.Resolve(withId, "", new CustomerRef(null, Code, Spoilt(Title, bad))).IdentityKey);
        Assert.Null(Customers.Resolve(withoutId, "", new CustomerRef(null, null, Spoilt(Title, bad))).IdentityKey);
        Assert.Null(Customers.Resolve(both, "parent.", new CustomerRef(null, Spoilt(Code, bad), Spoilt(Title, bad))).IdentityKey);

        AssertRefusedOn(withId, "customer.invoice_title");
        AssertRefusedOn(withoutId, "customer.invoice_title");
        AssertRefusedOn(both, "parent.customer.invoice_title", "parent.customer.taxpayer_id");
    }

    [Fact]
    public void P2_5_a_customer_title_of_invisible_characters_only_is_refused_on_invoice_title_not_thrown()
    {
        var violations = new List<FieldViolation>();

        var resolved = Customers.Resolve(violations, "", new CustomerRef(null, null, "\u200B\u200B"));

        Assert.Equal("customer.invoice_title", Assert.Single(violations).Field);
        Assert.Null(resolved.IdentityKey);
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public void P2_5_a_dealer_identity_that_cannot_be_normalised_is_refused_on_its_own_field(string bad)
    {
        var badId = new List<FieldViolation>();
        var badTitle = new List<FieldViolation>();
        var badTitleWithoutId = new List<FieldViolation>();
        var both = new List<FieldViolation>();

        Assert.Null(DealerIdentity.Resolve(badId, "", Spoilt(Code, bad), Title).TaxpayerId);
        Assert.Equal("", DealerIdentity.Resolve(badTitle, "", Code, Spoilt(Title, bad)).Key);
        Assert.Equal("", DealerIdentity.Resolve(badTitleWithoutId, "", null, Spoilt(Title, bad)).Key);
        Assert.Equal("", DealerIdentity.Resolve(both, "dealers[2].", Spoilt(Code, bad), Spoilt(Title, bad)).Key);

        AssertRefusedOn(badId, "taxpayer_id");
        AssertRefusedOn(badTitle, "invoice_title");
        AssertRefusedOn(badTitleWithoutId, "invoice_title");
        AssertRefusedOn(both, "dealers[2].invoice_title", "dealers[2].taxpayer_id");
    }

    [Fact]
    public void P2_5_a_dealer_title_of_invisible_characters_only_is_refused_on_invoice_title_not_thrown()
    {
        var violations = new List<FieldViolation>();

        Assert.Equal("", DealerIdentity.Resolve(violations, "", null, "\u200B").Key);
        Assert.Equal("invoice_title", Assert.Single(violations).Field);
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public async Task P2_5_appointing_a_dealer_whose_identity_cannot_be_normalised_is_InvalidArgument_and_nothing_is_written(string bad)
    {

        var badId = await Assert.ThrowsAsync<RequestValidationException>(() =>
            new AppointDealer(Directory, Clocks.Policy(_time)).ExecuteAsync(Hq, new DealerInput("D1", "华东经销", "B-SH", null, DealerKinds.PointToPoint, Spoilt(Code, bad), Title)));
        var badTitle = await Assert.ThrowsAsync<RequestValidationException>(() =>
            new AppointDealer(Directory, Clocks.Policy(_time)).ExecuteAsync(Hq, new DealerInput("D1", "华东经销", "B-SH", null, DealerKinds.PointToPoint, Code, Spoilt(Title, bad))));

        AssertRefusedOn(badId.Violations, "taxpayer_id");
        AssertRefusedOn(badTitle.Violations, "invoice_title");
        await AssertNothingWrittenAsync();
    }

    [Fact]
    public async Task P2_5_an_organisation_import_with_a_dealer_identity_that_cannot_be_normalised_names_the_rows_and_writes_nothing()
    {
        // JSON escapes: U+FFFE and U+FFFF get through the parser (a lone surrogate escape does not: not valid JSON).
        var json = """
            {"regions":[{"id":"R-EAST","name":"华东大区"}],
             "branches":[{"id":"B-SH","region_id":"R-EAST","name":"上海分公司","kind":"branch","direct":false}],
             "dealers":[{"id":"D1","name":"甲经销","branch_id":"B-SH","kind":"point_to_point","invoice_title":"甲贸易\ufffe有限公司"},
                        {"id":"D2","name":"乙经销","branch_id":"B-SH","kind":"point_to_point","taxpayer_id":"91350100M\uffff000100Y43","invoice_title":"乙贸易有限公司"},
                        {"id":"D3","name":"丙经销","branch_id":"B-SH","kind":"point_to_point","taxpayer_id":"91350100M000100Y43","invoice_title":"丙贸易\uffff有限公司"}]}
            """;

        var error = await Assert.ThrowsAsync<RequestValidationException>(() =>
            new ImportOrganization(Directory, Clocks.Policy(_time)).ExecuteAsync(Hq, ImportDocument.ParseJson(Encoding.UTF8.GetBytes(json))));

        AssertRefusedOn(error.Violations, "dealers[0].invoice_title", "dealers[1].taxpayer_id", "dealers[2].invoice_title");
        await AssertNothingWrittenAsync();
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public async Task P2_5_a_sale_naming_a_customer_by_text_that_cannot_be_normalised_is_InvalidArgument_on_its_field(string bad)
    {
        var ownership = new InMemoryOwnership();
        var store = new SalesStore(redis.Connection, Directory);
        var authorize = new AuthorizeSale(store, ownership, new SaleFactsReader(store, ownership), Clocks.Policy(_time));
        var record = new RecordSale(store, ownership, new SaleFactsReader(store, ownership), Clocks.Policy(_time));

        var asked = await Assert.ThrowsAsync<RequestValidationException>(() => authorize.ExecuteAsync(Hq,
            new AuthorizationInput(new CustomerRef(null, Code, Spoilt(Title, bad)), "P1", "100.00", "R-EAST", false, null), default));
        var recorded = await Assert.ThrowsAsync<RequestValidationException>(() => record.ExecuteAsync(Hq,
            new SaleInput("ERP-1", "S1", new CustomerRef(null, Spoilt(Code, bad), Title), "P1", "100.00", "1", Day(2026, 3, 10), "R-EAST", false, null), default));

        AssertRefusedOn(asked.Violations, "customer.invoice_title");
        AssertRefusedOn(recorded.Violations.Where(v => v.Field.StartsWith("customer.", StringComparison.Ordinal)), "customer.taxpayer_id");
        Assert.Equal(0, ownership.Calls);
        await AssertNothingWrittenAsync();
    }
}
