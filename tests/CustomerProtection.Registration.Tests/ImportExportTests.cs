using System.Text;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Testing;

namespace CustomerProtection.Registration.Tests;

/// <summary>X-7 bulk import and export, and C-2 masking of contacts, on a real redis-server.</summary>
public sealed class ImportExportTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly Harness _h = new(redis);

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1", "S2");
        await _h.SeedBranchAsync("B-BJ", autoApprove: false, "BJ1");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<ImportReport> ImportAsync(Caller caller, string branch, string csv) =>
        _h.Import.ExecuteAsync(caller, branch, new MemoryStream(Encoding.UTF8.GetBytes(csv)));

    [Fact]
    public async Task X7_an_import_reports_each_row_as_filed_duplicate_or_refused_with_the_reason()
    {
        var held = await _h.FileAndApproveAsync("S2", "已备案客户有限公司");
        var badId = Harness.NewTaxpayerId();
        badId = badId[..17] + (badId[17] == '1' ? '2' : '1');
        var csv = $"""
            taxpayer_id,invoice_title,owner_id,customer_class,declared_annual_sales,stage,approved_on,last_shipment_on,contact_name,contact_phone,contact_email,contact_address,evidence
            ,新导入甲有限公司,S1,important,350000,prospect,2026-03-01,,"张三, 采购",13900001111,zs@example.com,上海,老客户
            ,新导入乙有限公司,S1,ordinary,,formal,2026-01-05,2026-02-20,,,,,
            ,已备案客户有限公司,S1,ordinary,,,,,,,,,
            ,新导入甲有限公司,S2,ordinary,,,,,,,,,
            {badId},坏代码有限公司,S1,ordinary,,,,,,,,,
            ,外地客户有限公司,BJ1,ordinary,,,,,,,,,
            ,正式缺发货有限公司,S1,ordinary,,formal,,,,,,,
            """;

        var report = await ImportAsync(Harness.Secretary(), "B-SH", csv);

        Assert.Equal(7, report.Rows);
        Assert.Equal(
            [ImportOutcomes.Filed, ImportOutcomes.Filed, ImportOutcomes.Duplicate, ImportOutcomes.Duplicate, ImportOutcomes.Refused, ImportOutcomes.Refused, ImportOutcomes.Refused],
            report.Results.Select(r => r.Outcome));
        Assert.Equal(("S2", held.Value.Id), (report.Results[2].Holder!.OwnerId, report.Results[2].CustomerId));
        Assert.Equal(report.Results[0].CustomerId, report.Results[3].CustomerId);
        Assert.Contains("taxpayer_id", report.Results[4].Reason, StringComparison.Ordinal);
        Assert.Equal("P-13", report.Results[5].RuleId);
        Assert.Contains("last_shipment_on", report.Results[6].Reason, StringComparison.Ordinal);

        var mid = await _h.CustomerAsync(report.Results[0].CustomerId!);
        // P-3.4: 350,000 declared → 90 days from the approval day 2026-03-01 → 05-30, a Saturday, rolled to Monday 06-01 (art. 203).
        Assert.Equal((Stages.Prospect, new DateOnly(2026, 3, 1)), (mid.Stage, mid.PeriodStart));
        Assert.Equal(new NodaTime.LocalDate(2026, 6, 1), _h.Clock.Evaluate(mid).End!.LastDay);
        var formal = await _h.CustomerAsync(report.Results[1].CustomerId!);
        Assert.Equal((Stages.Formal, new DateOnly(2026, 2, 20)), (formal.Stage, formal.PeriodStart));
        Assert.Equal(2, (await _h.EventsAsync<FilingApproved>()).Count(e => e.OwnerId == "S1"));
        Assert.Equal("张三, 采购", (await _h.Query.GetAsync(Harness.Hq, mid.Id)).Contact!.Name);
    }

    [Fact]
    public async Task X7_only_the_branch_staff_or_hq_import_a_branchs_list()
    {
        await Assert.ThrowsAsync<ScopeDeniedException>(() => ImportAsync(Harness.Salesperson("S1"), "B-SH", "invoice_title,owner_id\n甲有限公司,S1\n"));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => ImportAsync(Harness.Secretary("B-BJ"), "B-SH", "invoice_title,owner_id\n甲有限公司,S1\n"));
        var error = await Assert.ThrowsAsync<RequestValidationException>(() => ImportAsync(Harness.Hq, "B-SH", "name,owner\n甲,S1\n"));
        Assert.Equal("chunk", error.Violations[0].Field);
    }

    [Fact]
    public async Task X7_C2_an_export_masks_contacts_for_callers_outside_the_branch_and_shows_them_to_its_staff()
    {
        await _h.FileAndApproveAsync("S1", "导出客户有限公司");

        var clear = await ExportAsync(Harness.Manager());
        var masked = await ExportAsync(Harness.RegionalManager);

        Assert.Equal(2, clear.Length);
        Assert.StartsWith("customer_id,taxpayer_id,invoice_title,owner_id", clear[0], StringComparison.Ordinal);
        Assert.Contains("13812345678", clear[1], StringComparison.Ordinal);
        Assert.Contains("wang@example.com", clear[1], StringComparison.Ordinal);
        Assert.Contains("138****5678", masked[1], StringComparison.Ordinal);
        Assert.Contains("w***@example.com", masked[1], StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", masked[1], StringComparison.Ordinal);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => ExportAsync(Harness.Salesperson("S1")));
    }

    [Fact]
    public async Task X7_an_exported_list_imports_into_another_branch_as_duplicates_of_the_same_customers()
    {
        await _h.FileAndApproveAsync("S1", "导出客户有限公司");
        var exported = string.Join("\n", await ExportAsync(Harness.Manager())).Replace(",S1,", ",BJ1,", StringComparison.Ordinal);

        var report = await ImportAsync(Harness.Secretary("B-BJ"), "B-BJ", exported);

        var row = Assert.Single(report.Results);
        Assert.Equal((ImportOutcomes.Duplicate, "S1"), (row.Outcome, row.Holder!.OwnerId));
    }

    [Fact]
    public async Task C2_contacts_are_clear_for_the_owner_and_branch_staff_and_masked_for_others_who_may_read()
    {
        var customer = await _h.FileAndApproveAsync("S1", "保密客户有限公司");

        Assert.Equal("13812345678", (await _h.Query.GetAsync(Harness.Salesperson("S1"), customer.Value.Id)).Contact!.Phone);
        Assert.Equal("13812345678", (await _h.Query.GetAsync(Harness.Secretary(), customer.Value.Id)).Contact!.Phone);
        Assert.Equal("13812345678", (await _h.Query.GetAsync(Harness.Hq, customer.Value.Id)).Contact!.Phone);
        var regional = await _h.Query.GetAsync(Harness.RegionalManager, customer.Value.Id);
        Assert.True(regional.ContactMasked);
        Assert.Equal(("王**", "138****5678", "上海市****"), (regional.Contact!.Name, regional.Contact.Phone, regional.Contact.Address));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.Query.GetAsync(Harness.Salesperson("S2"), customer.Value.Id));
    }

    [Fact]
    public async Task C1_events_never_carry_contacts()
    {
        await _h.FileAndApproveAsync("S1", "保密客户有限公司");

        Assert.All(await _h.OutboxAsync(), e =>
        {
            Assert.DoesNotContain("13812345678", e.Body.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain("wang@example.com", e.Body.GetRawText(), StringComparison.Ordinal);
        });
    }

    private async Task<string[]> ExportAsync(Caller caller)
    {
        var text = new StringBuilder();
        await foreach (var chunk in _h.Export.ExecuteAsync(caller, "B-SH", CancellationToken.None))
        {
            text.Append(Encoding.UTF8.GetString(chunk));
        }

        return text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
