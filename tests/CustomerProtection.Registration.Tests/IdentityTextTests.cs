using System.Text;
using CustomerProtection.Registration.Application;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Testing;

namespace CustomerProtection.Registration.Tests;

/// <summary>
/// P-2.5: a taxpayer id or an invoice title that cannot be normalised (a lone or reversed surrogate,
/// U+FFFE, U+FFFF) is refused on its own field — filing, duplicate check, ownership look-up, shipment
/// look-up and import — and nothing is written. On a real redis-server.
/// </summary>
public sealed class IdentityTextTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private const string Title = "上海华光电子有限公司";

    // Named, not written out: xunit would carry a lone surrogate in a test case's data as U+FFFD.
    private static readonly Dictionary<string, string> BadTexts = new()
    {
        ["U+FFFE"] = "\uFFFE",
        ["U+FFFF"] = "\uFFFF",
        ["lone high surrogate"] = "\uD800",
        ["lone low surrogate"] = "\uDC00",
        ["reversed pair"] = "\uDC00\uD800",
    };

    private readonly Harness _h = new(redis);

    public static TheoryData<string> Bad() => [.. BadTexts.Keys];

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    // The bad text in the middle of the text.
    private static string Spoilt(string text, string bad) => text.Insert(text.Length / 2, BadTexts[bad]);

    private static void AssertRefusedOn(RequestValidationException error, params string[] fields)
    {
        Assert.Equal(fields.Order(), error.Violations.Select(v => v.Field).Order());
        Assert.All(error.Violations, v =>
        {
            Assert.StartsWith("[P-2.5] ", v.Description, StringComparison.Ordinal);
            Assert.Contains("无法规范化", v.Description, StringComparison.Ordinal);
            Assert.Contains("cannot be normalised", v.Description, StringComparison.Ordinal);
        });
    }

    private async Task AssertNothingWrittenAsync()
    {
        Assert.Empty(await _h.OutboxAsync());
        Assert.Empty((await _h.ListCustomers.ExecuteAsync(Harness.Secretary(), "B-SH", null, CustomerFilter.None, 10, null)).Items);
        var server = redis.Connection.GetServer(redis.ConnectionString);
        Assert.Empty(await server.KeysAsync(pattern: Persistence.RegistrationKeys.Prefix + "identities:*").ToListAsync());
        Assert.Empty(await server.KeysAsync(pattern: Persistence.RegistrationKeys.Prefix + "titlekey:*").ToListAsync());
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public async Task P2_5_a_filing_whose_taxpayer_id_cannot_be_normalised_is_refused_on_taxpayer_id_and_nothing_is_written(string bad)
    {
        var taxpayerId = Spoilt(Harness.NewTaxpayerId(), bad);

        var error = await Assert.ThrowsAsync<RequestValidationException>(() =>
            _h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing(Title, taxpayerId, manualReview: true)));

        AssertRefusedOn(error, "taxpayer_id");
        Assert.Contains("统一社会信用代码", error.Violations[0].Description, StringComparison.Ordinal);
        await AssertNothingWrittenAsync();
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public async Task P2_5_a_filing_whose_title_cannot_be_normalised_is_refused_on_invoice_title_with_or_without_a_taxpayer_id(string bad)
    {
        var title = Spoilt(Title, bad);

        // With a valid taxpayer id the title is not the identity, but it is stored and normalised all the same.
        var withId = await Assert.ThrowsAsync<RequestValidationException>(() =>
            _h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing(title, Harness.NewTaxpayerId())));
        var withoutId = await Assert.ThrowsAsync<RequestValidationException>(() =>
            _h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing(title)));

        AssertRefusedOn(withId, "invoice_title");
        AssertRefusedOn(withoutId, "invoice_title");
        Assert.Contains("开票抬头含有无法规范化的字符", withoutId.Violations[0].Description, StringComparison.Ordinal);
        await AssertNothingWrittenAsync();
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public async Task P2_5_a_filing_whose_taxpayer_id_and_title_both_cannot_be_normalised_is_refused_on_both(string bad)
    {
        var error = await Assert.ThrowsAsync<RequestValidationException>(() =>
            _h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing(Spoilt(Title, bad), Spoilt(Harness.NewTaxpayerId(), bad))));

        AssertRefusedOn(error, "invoice_title", "taxpayer_id");
        await AssertNothingWrittenAsync();
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public async Task P2_5_X4_a_duplicate_check_with_text_that_cannot_be_normalised_is_refused_on_its_field(string bad)
    {
        await _h.FileAndApproveAsync("S1", Title);
        var taxpayerId = Harness.NewTaxpayerId();

        var badId = await Assert.ThrowsAsync<RequestValidationException>(() => _h.Query.CheckDuplicateAsync(Spoilt(taxpayerId, bad), Title, false));
        var badTitle = await Assert.ThrowsAsync<RequestValidationException>(() => _h.Query.CheckDuplicateAsync(null, Spoilt(Title, bad), false));
        var badTitleWithId = await Assert.ThrowsAsync<RequestValidationException>(() => _h.Query.CheckDuplicateAsync(taxpayerId, Spoilt(Title, bad), true));

        AssertRefusedOn(badId, "taxpayer_id");
        AssertRefusedOn(badTitle, "invoice_title");
        AssertRefusedOn(badTitleWithId, "invoice_title");
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public async Task P2_5_an_ownership_or_shipment_look_up_with_text_that_cannot_be_normalised_is_refused_on_its_field(string bad)
    {
        var taxpayerId = Harness.NewTaxpayerId();
        await _h.FileAndApproveAsync("S1", Title, taxpayerId);
        var before = (await _h.OutboxAsync()).Count;

        AssertRefusedOn(await Assert.ThrowsAsync<RequestValidationException>(() => _h.Query.OwnershipAsync(null, Spoilt(taxpayerId, bad), Title)), "taxpayer_id");
        AssertRefusedOn(await Assert.ThrowsAsync<RequestValidationException>(() => _h.Query.OwnershipAsync(null, taxpayerId, Spoilt(Title, bad))), "invoice_title");
        AssertRefusedOn(await Assert.ThrowsAsync<RequestValidationException>(() => _h.Query.OwnershipAsync(null, null, Spoilt(Title, bad))), "invoice_title");
        AssertRefusedOn(await Assert.ThrowsAsync<RequestValidationException>(() =>
            _h.Shipments.ByHqAsync(Harness.Hq, null, Spoilt(taxpayerId, bad), null, "2026-03-10", "SALE-1")), "taxpayer_id");
        AssertRefusedOn(await Assert.ThrowsAsync<RequestValidationException>(() =>
            _h.Shipments.ByHqAsync(Harness.Hq, null, null, Spoilt(Title, bad), "2026-03-10", "SALE-2")), "invoice_title");
        Assert.Equal(before, (await _h.OutboxAsync()).Count);
    }

    [Theory]
    [InlineData("U+FFFE")]
    [InlineData("U+FFFF")]
    public async Task P2_5_X7_an_imported_row_with_text_that_cannot_be_normalised_is_refused_naming_its_field(string bad)
    {
        // A CSV is UTF-8: lone surrogates cannot be in it, noncharacters can.
        var csv = $"""
            taxpayer_id,invoice_title,owner_id,customer_class
            {Spoilt(Harness.NewTaxpayerId(), bad)},甲有限公司,S1,ordinary
            {Harness.NewTaxpayerId()},{Spoilt("乙有限公司", bad)},S1,ordinary
            ,{Spoilt("丙有限公司", bad)},S1,ordinary
            """;

        var report = await _h.Import.ExecuteAsync(Harness.Secretary(), "B-SH", new MemoryStream(Encoding.UTF8.GetBytes(csv)));

        Assert.Equal([ImportOutcomes.Refused, ImportOutcomes.Refused, ImportOutcomes.Refused], report.Results.Select(r => r.Outcome));
        Assert.StartsWith("taxpayer_id: [P-2.5] ", report.Results[0].Reason, StringComparison.Ordinal);
        Assert.StartsWith("invoice_title: [P-2.5] ", report.Results[1].Reason, StringComparison.Ordinal);
        Assert.StartsWith("invoice_title: [P-2.5] ", report.Results[2].Reason, StringComparison.Ordinal);
        Assert.All(report.Results, r => Assert.DoesNotContain(";", r.Reason, StringComparison.Ordinal));
        await AssertNothingWrittenAsync();
    }
}
