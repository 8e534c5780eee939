using System.Globalization;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Xunit.Abstractions;
using CustomerProtection.Cli;
using CustomerProtection.Cli.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// cpctl against the real system the fixture started: its entry point run in-process with captured output,
/// addresses and the signing key from the environment (as a user sets CP_REGISTRATION …, CP_SIGNING_KEY).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CpctlTests(SystemFixture system, ITestOutputHelper output) : IDisposable
{
    private readonly string _s = Guid.NewGuid().ToString("N")[..8];
    private readonly string _folder = Directory.CreateTempSubdirectory("cpctl-tests-").FullName;

    private sealed record Run(int Exit, string Out, string Err)
    {
        public JsonElement Json => JsonDocument.Parse(Out).RootElement;

        public override string ToString() => $"exit {Exit}\n--- stdout\n{Out}\n--- stderr\n{Err}";
    }

    private Dictionary<string, string> Environment() => new(StringComparer.Ordinal)
    {
        ["CP_REGISTRATION"] = Address(ResourceNames.Registration),
        ["CP_TERRITORY"] = Address(ResourceNames.Territory),
        ["CP_ARBITRATION"] = Address(ResourceNames.Arbitration),
        ["CP_PENALTY"] = Address(ResourceNames.Penalty),
        ["CP_SIGNING_KEY"] = system.SigningKey,
    };

    private string Address(string service) => system.App.GetEndpoint(service, ResourceNames.GrpcEndpoint).ToString();

    private async Task<Run> CpctlAsync(params string[] args) => await CpctlAsync(Environment(), args);

    private async Task<Run> CpctlAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var exit = await CpctlApp.RunAsync(args, new CliEnvironment(stdout, stderr, environment, _folder));
        return new Run(exit, stdout.ToString(), stderr.ToString());
    }

    private string Id(string name) => $"{name}-{_s}";

    private string Branch => Id("B-SH");

    private string OtherBranch => Id("B-BJ");

    /// <summary>
    /// hq imports a branch with a manager, a secretary and two salespeople through <c>cpctl org import</c>; with
    /// <paramref name="otherBranch"/> also a second branch of the region with one salesperson, <c>X1</c>.
    /// </summary>
    private async Task ImportOrganisationAsync(bool otherBranch = false)
    {
        var file = Path.Combine(_folder, "org.json");
        var other = otherBranch
            ? $$""",{"id":"{{OtherBranch}}","region_id":"{{Id("R-EAST")}}","name":"北京分公司","kind":"branch"}"""
            : "";
        var otherStaff = otherBranch
            ? $$""",{"id":"{{Id("X1")}}","name":"钱七","role":"salesperson","branch_id":"{{OtherBranch}}"}"""
            : "";
        await File.WriteAllTextAsync(file, $$"""
            {"regions":[{"id":"{{Id("R-EAST")}}","name":"华东大区"}],
             "branches":[{"id":"{{Branch}}","region_id":"{{Id("R-EAST")}}","name":"上海分公司","kind":"branch","manager_id":"{{Id("M")}}"}{{other}}],
             "employees":[{"id":"{{Id("M")}}","name":"李经理","role":"branch_manager","branch_id":"{{Branch}}"},
                          {"id":"{{Id("S1")}}","name":"张三","role":"salesperson","branch_id":"{{Branch}}","manager_id":"{{Id("M")}}"},
                          {"id":"{{Id("S2")}}","name":"王五","role":"salesperson","branch_id":"{{Branch}}","manager_id":"{{Id("M")}}"},
                          {"id":"{{Id("SEC")}}","name":"赵秘书","role":"branch_secretary","branch_id":"{{Branch}}"}{{otherStaff}}]}
            """);
        var imported = await CpctlAsync("org", "import", "--file", file, "--json");
        Assert.True(imported.Exit == 0, imported.ToString());
        Assert.Equal(otherBranch ? 5 : 4, imported.Json.GetProperty("employees").GetProperty("created").GetInt32());

        // Registration copies the organisation from Territory's events: ready when its replica answers.
        foreach (var employee in otherBranch ? new[] { "S1", "S2", "SEC", "M", "X1" } : ["S1", "S2", "SEC", "M"])
        {
            await Eventually.GetAsync(async () =>
            {
                var replica = await CpctlAsync("org", "replica", "employee", Id(employee), "--json");
                return replica.Exit == ExitCodes.Ok ? replica : null;
            }, $"{Id(employee)} in Registration");
        }

        await Eventually.GetAsync(async () =>
        {
            var replica = await CpctlAsync("org", "replica", "branch", Branch);
            return replica.Exit == ExitCodes.Ok ? replica : null;
        }, "the branch in Registration");
    }

    /// <summary>A customer filed by <paramref name="salesperson"/> (role, branch and region looked up in the directory) and approved;
    /// <paramref name="options"/> are more options of <c>customer file</c> (a contact).</summary>
    /// <summary>The business day from <c>cpctl clock now --json</c> (a google.type.Date: year, month, day).</summary>
    private async Task<DateOnly> ClockTodayAsync()
    {
        var today = (await CpctlAsync("clock", "now", "--json")).Json.GetProperty("today");
        return new DateOnly(today.GetProperty("year").GetInt32(), today.GetProperty("month").GetInt32(), today.GetProperty("day").GetInt32());
    }

    private async Task<string> FileAndApproveAsync(string salesperson, string title, params string[] options)
    {
        var filed = await CpctlAsync(["customer", "file", "--as", Id(salesperson), "--title", title, "--class", "potential",
            "--evidence-kind", "visit", "--evidence", "拜访纪要", "--json", .. options]);
        Assert.True(filed.Exit == 0, filed.ToString());
        var customerId = filed.Json.GetProperty("customer_id").GetString()!;
        if (filed.Json.GetProperty("status").GetString() == "CUSTOMER_STATUS_PENDING_APPROVAL")
        {
            var approved = await CpctlAsync("customer", "approve", customerId, "--as", Id("SEC"), "--json");
            Assert.True(approved.Exit == 0, approved.ToString());
            Assert.Equal("CUSTOMER_STATUS_PROTECTED", approved.Json.GetProperty("status").GetString());
        }

        return customerId;
    }

    [Fact]
    public async Task The_demo_plays_the_policys_story_and_every_step_checks_out()
    {
        var demo = await CpctlAsync("demo", "--timeout", "60");
        output.WriteLine(demo.ToString());

        Assert.True(demo.Exit == ExitCodes.Ok, demo.ToString());
        for (var step = 1; step <= 7; step++)
        {
            Assert.Contains($"[{step}/7]", demo.Out, StringComparison.Ordinal);
        }

        Assert.Contains("[P-9.1]", demo.Out, StringComparison.Ordinal);
        Assert.Contains("demo complete", demo.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("✘", demo.Out + demo.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue23_cpctl_report_prints_the_months_figures_by_branch_as_a_table_and_as_json()
    {
        await ImportOrganisationAsync();
        var month = (await ClockTodayAsync()).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        await FileAndApproveAsync("S1", $"月报命令{_s}有限公司");

        var json = await Eventually.GetAsync(async () =>
        {
            var run = await CpctlAsync("report", "--month", month, "--json");
            // The filing's fact can arrive before the approval's: wait for the approval.
            return run.Exit == ExitCodes.Ok && run.Json.GetProperty("rows").EnumerateArray()
                .Any(r => r.GetProperty("branch_id").GetString() == Branch && r.GetProperty("approvals").GetString() == "1") ? run : null;
        }, "the approval in the monthly report");
        var table = await CpctlAsync("report", "--month", month);
        var notAMonth = await CpctlAsync("report", "--month", "2026-13");

        var row = json.Json.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("branch_id").GetString() == Branch);
        Assert.Equal(("1", "1"), (row.GetProperty("filings").GetString(), row.GetProperty("approvals").GetString()));
        Assert.Contains(table.Out.Split('\n'), l => l.Contains(Branch, StringComparison.Ordinal));
        Assert.Contains("合计 / total", table.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidArgument, notAMonth.Exit);
    }

    [Fact]
    public async Task P4_5_a_late_complaint_prints_the_rule_and_its_numbers_and_exits_with_the_refusal_code_also_as_json()
    {
        await ImportOrganisationAsync();
        var customerId = await FileAndApproveAsync("S1", $"迟到投诉{_s}有限公司");
        var today = (await ClockTodayAsync()).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var longAgo = (await ClockTodayAsync()).AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string[] complain = ["case", "complain", customerId, "--as", Id("S1"), "--accused", Id("S2"), "--discovered-on", longAgo, "--description", "抢单"];

        var text = await CpctlAsync(complain);
        var json = await CpctlAsync([.. complain, "--json"]);

        Assert.True(text.Exit == ExitCodes.Refused, text.ToString());
        Assert.Contains("rule     P-4.5", text.Err, StringComparison.Ordinal);
        Assert.Contains($"discovered_on = {longAgo}", text.Err, StringComparison.Ordinal);
        Assert.Contains("FAILED_PRECONDITION (exit 4)", text.Err, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Refused, json.Exit);
        var error = JsonDocument.Parse(json.Err).RootElement.GetProperty("error");
        Assert.Equal(("FAILED_PRECONDITION", 4, "P-4.5"), (error.GetProperty("code").GetString(), error.GetProperty("exit_code").GetInt32(), error.GetProperty("rule_id").GetString()));
        var deadline = error.GetProperty("metadata").GetProperty("deadline").GetString()!;
        Assert.True(string.CompareOrdinal(deadline, today) < 0, $"deadline {deadline} is before today {today}");
        Assert.Contains($"deadline = {deadline}", text.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exit_codes_tell_a_held_identity_a_bad_field_a_wrong_role_a_bad_command_line_and_an_unreachable_service_apart()
    {
        await ImportOrganisationAsync();
        var title = $"重复客户{_s}有限公司";
        await FileAndApproveAsync("S1", title);

        var held = await CpctlAsync("customer", "file", "--as", Id("S2"), "--title", title, "--class", "potential", "--evidence-kind", "visit", "--evidence", "x");
        var badField = await CpctlAsync("customer", "file", "--as", Id("S2"), "--title", $"坏日期{_s}有限公司", "--class", "potential", "--evidence-kind", "visit",
            "--evidence", "x", "--evidence-date", "2999-01-01", "--json");
        var notHq = await CpctlAsync("clock", "advance", "--by", "1h", "--as", Id("S1"));
        var badCommandLine = await CpctlAsync("clock", "advance", "--by", "soon");
        var missingOption = await CpctlAsync("customer", "file", "--title", "x");
        var unreachable = await CpctlAsync(new Dictionary<string, string>(Environment()) { ["CP_REGISTRATION"] = "http://127.0.0.1:9" }, "status");

        Assert.True(held.Exit == ExitCodes.AlreadyExists, held.ToString());
        Assert.Contains("rule     P-9.1", held.Err, StringComparison.Ordinal);
        Assert.Contains($"ownerId = {Id("S1")}", held.Err, StringComparison.Ordinal);
        Assert.True(badField.Exit == ExitCodes.InvalidArgument, badField.ToString());
        var violations = JsonDocument.Parse(badField.Err).RootElement.GetProperty("error").GetProperty("field_violations").EnumerateArray();
        Assert.Equal(["evidence_date"], violations.Select(v => v.GetProperty("field").GetString()));
        Assert.True(notHq.Exit == ExitCodes.PermissionDenied, notHq.ToString());
        Assert.True(badCommandLine.Exit == ExitCodes.InvalidArgument, badCommandLine.ToString());
        Assert.Contains("--by", badCommandLine.Err, StringComparison.Ordinal);
        Assert.True(missingOption.Exit == ExitCodes.InvalidArgument, missingOption.ToString());
        Assert.True(unreachable.Exit == ExitCodes.Unavailable, unreachable.ToString());
        Assert.Contains("127.0.0.1:9", unreachable.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_print_a_table_and_json_that_scripts_parse()
    {
        await ImportOrganisationAsync();
        var first = await FileAndApproveAsync("S1", $"列表甲{_s}有限公司");
        var second = await FileAndApproveAsync("S1", $"列表乙{_s}有限公司");

        var waiting = await CpctlAsync("customer", "file", "--as", Id("S2"), "--title", $"待批丙{_s}有限公司", "--class", "ordinary",
            "--evidence-kind", "phone", "--evidence", "电话记录", "--json");
        var pending = await CpctlAsync("customer", "pending", "--branch", Branch, "--as", Id("SEC"));
        var json = await CpctlAsync("customer", "list", "--owner", Id("S1"), "--as", Id("M"), "--json");
        var table = await CpctlAsync("customer", "list", "--owner", Id("S1"), "--as", Id("M"));
        var employees = await CpctlAsync("org", "employee", "list", "--branch", Branch, "--role", "salesperson", "--json");
        // The issue's short form `cpctl customers --expiring N` is `customer list` under another name: the same output.
        var expiringLong = await CpctlAsync("customer", "list", "--expiring", "14", "--as", Id("M"));
        var expiringShort = await CpctlAsync("customers", "--expiring", "14", "--as", Id("M"));
        var withinYearLong = await CpctlAsync("customer", "list", "--expiring", "400", "--owner", Id("S1"), "--as", Id("M"));
        var withinYearShort = await CpctlAsync("customers", "--expiring", "400", "--owner", Id("S1"), "--as", Id("M"));

        Assert.True(json.Exit == 0, json.ToString());
        var customers = json.Json.GetProperty("customers").EnumerateArray().ToList();
        Assert.Equal([first, second], customers.Select(c => c.GetProperty("customer_id").GetString()).Order(StringComparer.Ordinal));
        Assert.All(customers, c => Assert.Equal(("CUSTOMER_STATUS_PROTECTED", Id("S1")), (c.GetProperty("status").GetString(), c.GetProperty("owner_id").GetString())));
        Assert.Contains("customer_id", table.Out, StringComparison.Ordinal);
        Assert.Contains($"列表甲{_s}有限公司", table.Out, StringComparison.Ordinal);
        Assert.True(pending.Exit == 0, pending.ToString());
        var row = pending.Out.Split('\n').Single(l => l.Contains($"待批丙{_s}有限公司", StringComparison.Ordinal));
        Assert.Contains(waiting.Json.GetProperty("customer_id").GetString()!, row, StringComparison.Ordinal);
        Assert.Contains(Id("S2"), row, StringComparison.Ordinal);
        Assert.Equal([Id("S1"), Id("S2")], employees.Json.GetProperty("employees").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.All(employees.Json.GetProperty("employees").EnumerateArray(), e => Assert.Equal("ROLE_SALESPERSON", e.GetProperty("role").GetString()));
        Assert.True(expiringShort.Exit == 0, expiringShort.ToString());
        Assert.Equal(expiringLong.Out, expiringShort.Out);
        Assert.True(withinYearShort.Exit == 0, withinYearShort.ToString());
        Assert.Contains($"列表甲{_s}有限公司", withinYearShort.Out, StringComparison.Ordinal);
        Assert.Equal(withinYearLong.Out, withinYearShort.Out);
    }

    [Fact]
    public async Task X7_a_bulk_import_of_three_hundred_rows_reports_filed_duplicates_and_refusals_and_writes_the_rejects_file()
    {
        await ImportOrganisationAsync();
        // Five customers S2 already holds (X-4 duplicates), five rows for someone not in the branch, 290 new ones.
        var held = Enumerable.Range(1, 5).Select(i => $"已有客户{i}号{_s}有限公司").ToList();
        foreach (var title in held)
        {
            await FileAndApproveAsync("S2", title);
        }

        var csv = new StringBuilder("taxpayer_id,invoice_title,owner_id,customer_class,declared_annual_sales,contact_name,contact_phone\n");
        for (var row = 1; row <= 300; row++)
        {
            var (title, owner) = row switch
            {
                <= 5 => (held[row - 1], Id("S1")),
                <= 10 => ($"无主客户{row}号{_s}有限公司", "NOBODY-" + _s),
                _ => ($"批量客户{row}号{_s}有限公司", row % 2 == 0 ? Id("S1") : Id("S2")),
            };
            csv.Append(CultureInfo.InvariantCulture, $",{title},{owner},ordinary,100000,联系人{row},1390000{row:D4}\n");
        }

        var file = Path.Combine(_folder, "customers.csv");
        await File.WriteAllTextAsync(file, csv.ToString());

        var imported = await CpctlAsync("customer", "import", "--branch", Branch, "--file", file, "--chunk-kb", "4", "--as", Id("SEC"));
        var export = Path.Combine(_folder, "export.csv");
        var exported = await CpctlAsync("customer", "export", "--branch", Branch, "--output", export, "--as", Id("M"));

        Assert.True(imported.Exit == 0, imported.ToString());
        Assert.Contains("行 / rows 300   已备案 / filed 290   重复 / duplicates 5   拒绝 / refused 5", imported.Out, StringComparison.Ordinal);
        var rejects = await File.ReadAllLinesAsync(file + ".rejects.csv");
        Assert.StartsWith("row,outcome,rule_id,reason,taxpayer_id,invoice_title,holder_customer_id,holder_owner_id", rejects[0], StringComparison.Ordinal);
        Assert.Equal(10, rejects.Length - 1);
        Assert.Equal(5, rejects.Count(l => l.Contains(",duplicate,", StringComparison.Ordinal) && l.Contains("已有客户", StringComparison.Ordinal) && l.Contains(Id("S2"), StringComparison.Ordinal)));
        Assert.Equal(5, rejects.Count(l => l.Contains(",refused,", StringComparison.Ordinal) && l.Contains("无主客户", StringComparison.Ordinal)));
        Assert.True(exported.Exit == 0, exported.ToString());
        var lines = await File.ReadAllLinesAsync(export);
        Assert.Equal(295, lines.Count(l => l.Contains(_s, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task M1_followup_due_lists_the_owners_overdue_customers_and_the_branchs_for_its_manager_but_not_for_a_salesperson()
    {
        await ImportOrganisationAsync();
        var today = await ClockTodayAsync();
        var monthAgo = today.AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var todayText = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // An important customer's interval is 7 days (M-1): approved a month ago without a contact since, it is overdue;
        // approved today, it is not. The import sets the approval day (X-7), so no clock is moved.
        var file = Path.Combine(_folder, "maintained.csv");
        await File.WriteAllTextAsync(file,
            "taxpayer_id,invoice_title,owner_id,customer_class,declared_annual_sales,approved_on\n" +
            $",久未跟进甲{_s}有限公司,{Id("S1")},important,100000,{monthAgo}\n" +
            $",刚批准乙{_s}有限公司,{Id("S1")},important,100000,{todayText}\n" +
            $",久未跟进丙{_s}有限公司,{Id("S2")},important,100000,{monthAgo}\n");
        var imported = await CpctlAsync("customer", "import", "--branch", Branch, "--file", file, "--as", Id("SEC"));
        Assert.True(imported.Exit == 0, imported.ToString());
        Assert.Contains("已备案 / filed 3", imported.Out, StringComparison.Ordinal);

        var mine = await CpctlAsync("followup", "due", "--as", Id("S1"), "--json");
        var branchTable = await CpctlAsync("followup", "due", "--branch", Branch, "--as", Id("M"));
        var notMine = await CpctlAsync("followup", "due", "--branch", Branch, "--as", Id("S1"));

        Assert.True(mine.Exit == 0, mine.ToString());
        var due = Assert.Single(mine.Json.GetProperty("follow_ups_due").EnumerateArray());
        Assert.Equal(($"久未跟进甲{_s}有限公司", "CUSTOMER_CLASS_IMPORTANT", Id("S1"), today.AddDays(-30)),
            (due.GetProperty("invoice_title").GetString(), due.GetProperty("customer_class").GetString(), due.GetProperty("owner_id").GetString(), Day(due.GetProperty("last_contact_on"))));
        // Due from the day after the interval's last day: overdue by the days since that last day.
        var lastDay = Day(due.GetProperty("last_follow_up_day"));
        Assert.InRange(lastDay, today.AddDays(-23), today.AddDays(-1));
        Assert.Equal(today.DayNumber - lastDay.DayNumber, due.GetProperty("days_overdue").GetInt32());
        Assert.True(branchTable.Exit == 0, branchTable.ToString());
        Assert.Contains($"久未跟进甲{_s}有限公司", branchTable.Out, StringComparison.Ordinal);
        Assert.Contains($"久未跟进丙{_s}有限公司", branchTable.Out, StringComparison.Ordinal);
        Assert.DoesNotContain($"刚批准乙{_s}有限公司", branchTable.Out, StringComparison.Ordinal);
        Assert.True(notMine.Exit == ExitCodes.PermissionDenied, notMine.ToString());

        // A google.type.Date in the protobuf JSON mapping.
        static DateOnly Day(JsonElement date) => new(date.GetProperty("year").GetInt32(), date.GetProperty("month").GetInt32(), date.GetProperty("day").GetInt32());
    }

    /// <summary>A phone number unique to this test (contacts are confidential: C-1).</summary>
    private string Phone(int n) => $"13{n}" + string.Concat(_s.Take(8).Select(c => (char)('0' + c % 10)));

    /// <summary>The value of a "field  value" line of a record printed as text.</summary>
    private static string? Field(string text, string field) =>
        text.Split('\n').Select(l => l.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(parts => parts.Length == 2 && parts[0] == field)?[1].Trim();

    [Fact]
    public async Task C3_access_a_salesperson_of_another_branch_asks_the_branch_manager_approves_and_revokes_and_a_refusal_needs_a_reason()
    {
        await ImportOrganisationAsync(otherBranch: true);
        var phone = Phone(9);
        var customerId = await FileAndApproveAsync("S1", $"授权客户{_s}有限公司", "--contact-name", "孙联系", "--contact-phone", phone);

        var requested = await CpctlAsync("access", "request", customerId, "--as", Id("X1"), "--purpose", "sales_development", "--reason", "协助投标 / helping with a bid",
            "--days", "3", "--json");
        Assert.True(requested.Exit == 0, requested.ToString());
        var grantId = requested.Json.GetProperty("grant_id").GetString()!;
        Assert.Equal(("ACCESS_GRANT_STATUS_PENDING", customerId, Branch, 3), (requested.Json.GetProperty("status").GetString(), requested.Json.GetProperty("customer_id").GetString(),
            requested.Json.GetProperty("branch_id").GetString(), requested.Json.GetProperty("days").GetInt32()));
        var beforeGrant = await CpctlAsync("customer", "show", customerId, "--as", Id("X1"));
        var refusedWithoutReason = await CpctlAsync("access", "decide", grantId, "--refuse", "--as", Id("M"));
        var neither = await CpctlAsync("access", "decide", grantId, "--as", Id("M"));
        var approved = await CpctlAsync("access", "decide", grantId, "--approve", "--as", Id("M"), "--json");
        var shown = await CpctlAsync("access", "show", grantId, "--as", Id("X1"));
        var listed = await CpctlAsync("access", "list", "--branch", Branch, "--as", Id("M"));
        var read = await CpctlAsync("customer", "show", customerId, "--as", Id("X1"), "--json");
        var revoked = await CpctlAsync("access", "revoke", grantId, "--as", Id("M"), "--reason", "投标结束 / the bid is over", "--json");
        var afterRevoke = await CpctlAsync("access", "show", grantId, "--as", Id("X1"), "--json");
        var readAfter = await CpctlAsync("customer", "show", customerId, "--as", Id("X1"));

        Assert.True(beforeGrant.Exit == ExitCodes.PermissionDenied, beforeGrant.ToString());
        Assert.True(refusedWithoutReason.Exit == ExitCodes.InvalidArgument, refusedWithoutReason.ToString());
        Assert.Contains("  reason: ", refusedWithoutReason.Err, StringComparison.Ordinal);
        Assert.True(neither.Exit == ExitCodes.InvalidArgument, neither.ToString());
        Assert.True(approved.Exit == 0, approved.ToString());
        Assert.Equal(("ACCESS_GRANT_STATUS_ACTIVE", Id("M")), (approved.Json.GetProperty("status").GetString(), approved.Json.GetProperty("decided_by").GetString()));
        Assert.True(shown.Exit == 0, shown.ToString());
        Assert.Equal("active", Field(shown.Out, "status"));
        var row = listed.Out.Split('\n').Single(l => l.Contains(grantId, StringComparison.Ordinal));
        Assert.Contains(Id("X1"), row, StringComparison.Ordinal);
        Assert.Contains("active", row, StringComparison.Ordinal);
        Assert.True(read.Exit == 0, read.ToString());
        Assert.Equal(phone, read.Json.GetProperty("contact").GetProperty("phone").GetString());
        Assert.True(revoked.Exit == 0, revoked.ToString());
        Assert.Equal("ACCESS_GRANT_STATUS_REVOKED", revoked.Json.GetProperty("status").GetString());
        Assert.Equal(("ACCESS_GRANT_STATUS_REVOKED", Id("M")), (afterRevoke.Json.GetProperty("status").GetString(), afterRevoke.Json.GetProperty("ended_by").GetString()));
        Assert.True(readAfter.Exit == ExitCodes.PermissionDenied, readAfter.ToString());
    }

    [Fact]
    public async Task C5_audit_the_owners_clear_read_is_in_the_log_by_customer_and_period_and_the_chain_verifies_intact()
    {
        await ImportOrganisationAsync();
        var customerId = await FileAndApproveAsync("S1", $"审计客户{_s}有限公司", "--contact-phone", Phone(8));
        var read = await CpctlAsync("customer", "show", customerId, "--as", Id("S1"), "--json");
        Assert.True(read.Exit == 0, read.ToString());
        Assert.False(read.Json.GetProperty("contact_masked").GetBoolean());
        var today = (await ClockTodayAsync()).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        // Entries reach the chain a moment after the read (the chain worker); the query shows chained entries.
        var page = await Eventually.GetAsync(async () =>
        {
            var query = await CpctlAsync("audit", "query", "--customer", customerId, "--json");
            Assert.True(query.Exit == 0, query.ToString());
            return query.Json.GetProperty("audit_entries").EnumerateArray().Any(IsTheRead) ? query : null;
        }, "the owner's read in the audit log");
        var entry = page.Json.GetProperty("audit_entries").EnumerateArray().First(IsTheRead);
        var table = await CpctlAsync("audit", "query", "--customer", customerId, "--employee", Id("S1"));
        var sinceToday = await CpctlAsync("audit", "query", "--customer", customerId, "--from", today, "--json");
        var beforeToday = await CpctlAsync("audit", "query", "--customer", customerId, "--to", today, "--json");
        var byManager = await CpctlAsync("audit", "query", "--customer", customerId, "--as", Id("M"), "--json");
        var bySalesperson = await CpctlAsync("audit", "query", "--customer", customerId, "--as", Id("S1"));
        var verified = await CpctlAsync("audit", "verify", "--json");
        var verifiedText = await CpctlAsync("audit", "verify");

        Assert.Contains("contact_phone", entry.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        var row = table.Out.Split('\n').Single(l => l.Contains("Customers/GetCustomer", StringComparison.Ordinal));
        Assert.Contains(Id("S1"), row, StringComparison.Ordinal);
        Assert.Contains("sales_development", row, StringComparison.Ordinal);
        Assert.Contains(sinceToday.Json.GetProperty("audit_entries").EnumerateArray(), IsTheRead);
        Assert.DoesNotContain(beforeToday.Json.GetProperty("audit_entries").EnumerateArray(), IsTheRead);
        Assert.True(byManager.Exit == 0, byManager.ToString());
        Assert.Contains(byManager.Json.GetProperty("audit_entries").EnumerateArray(), IsTheRead);
        Assert.True(bySalesperson.Exit == ExitCodes.PermissionDenied, bySalesperson.ToString());
        Assert.True(verified.Exit == 0, verified.ToString());
        Assert.True(verified.Json.GetProperty("intact").GetBoolean());
        // int64 is a string in the protobuf JSON mapping.
        Assert.True(Int64(verified.Json, "entries_checked") >= Int64(entry, "sequence"), verified.Out);
        Assert.Equal(64, verified.Json.GetProperty("head_hash").GetString()!.Length);
        Assert.True(verifiedText.Exit == 0, verifiedText.ToString());
        Assert.Equal("true", Field(verifiedText.Out, "intact"));

        static long Int64(JsonElement e, string field) => long.Parse(e.GetProperty(field).GetString()!, CultureInfo.InvariantCulture);

        bool IsTheRead(JsonElement e) => e.GetProperty("kind").GetString() == "AUDIT_ENTRY_KIND_READ" && e.GetProperty("employee_id").GetString() == Id("S1")
            && e.GetProperty("rpc").GetString() == "Customers/GetCustomer" && e.GetProperty("customer_id").GetString() == customerId;
    }

    [Fact]
    public async Task C7_incident_freezes_the_named_account_at_once_lists_the_customers_it_read_and_unfreezes_and_closes()
    {
        await ImportOrganisationAsync();
        var customerId = await FileAndApproveAsync("S1", $"泄露客户{_s}有限公司", "--contact-phone", Phone(7));
        var read = await CpctlAsync("customer", "show", customerId, "--as", Id("S1"));
        Assert.True(read.Exit == 0, read.ToString());

        var recorded = await CpctlAsync("incident", "record", "--description", "疑似导出客户电话 / phone numbers exported", "--employee", Id("S1"), "--json");
        Assert.True(recorded.Exit == 0, recorded.ToString());
        var incidentId = recorded.Json.GetProperty("incident_id").GetString()!;
        var frozen = await CpctlAsync("customer", "show", customerId, "--as", Id("S1"));
        var affected = await CpctlAsync("incident", "affected", incidentId, "--json");
        var affectedTable = await CpctlAsync("incident", "affected", incidentId);
        var step = await CpctlAsync("incident", "step", incidentId, "--note", "已通知客户 / customers notified", "--json");
        var unfrozen = await CpctlAsync("incident", "unfreeze", incidentId, "--employee", Id("S1"), "--reason", "排除嫌疑 / cleared", "--json");
        var readAgain = await CpctlAsync("customer", "show", customerId, "--as", Id("S1"));
        var closed = await CpctlAsync("incident", "close", incidentId, "--resolution", "误报 / a false alarm", "--json");
        var shown = await CpctlAsync("incident", "show", incidentId);
        var notHq = await CpctlAsync("incident", "show", incidentId, "--as", Id("M"));

        Assert.Equal([Id("S1")], recorded.Json.GetProperty("frozen_employee_ids").EnumerateArray().Select(e => e.GetString()));
        Assert.True(recorded.Json.GetProperty("affected_customers").GetInt32() >= 1);
        Assert.True(frozen.Exit == ExitCodes.PermissionDenied, frozen.ToString());
        Assert.Contains("rule     C-7", frozen.Err, StringComparison.Ordinal);
        Assert.Contains(incidentId, frozen.Err, StringComparison.Ordinal);
        Assert.True(affected.Exit == 0, affected.ToString());
        var customer = affected.Json.GetProperty("affected_customers").EnumerateArray().Single(c => c.GetProperty("customer_id").GetString() == customerId);
        Assert.Equal([Id("S1")], customer.GetProperty("employee_ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains(affectedTable.Out.Split('\n'), l => l.Contains(customerId, StringComparison.Ordinal) && l.Contains(Id("S1"), StringComparison.Ordinal));
        Assert.Contains(step.Json.GetProperty("steps").EnumerateArray(), s => s.GetProperty("what").GetString() == "INCIDENT_STEP_KIND_STEP");
        Assert.True(unfrozen.Exit == 0, unfrozen.ToString());
        Assert.Empty(unfrozen.Json.GetProperty("frozen_employee_ids").EnumerateArray());
        Assert.True(readAgain.Exit == 0, readAgain.ToString());
        Assert.Equal("INCIDENT_STATUS_CLOSED", closed.Json.GetProperty("status").GetString());
        Assert.Equal("closed", Field(shown.Out, "status"));
        Assert.True(notHq.Exit == ExitCodes.PermissionDenied, notHq.ToString());
    }

    [Fact]
    public async Task C6_data_sharing_with_a_third_party_needs_the_customers_consent_and_hq_sees_the_key_status()
    {
        await ImportOrganisationAsync();
        var phone = Phone(6);
        var consenting = await FileAndApproveAsync("S1", $"同意客户{_s}有限公司", "--contact-phone", phone);
        var silent = await FileAndApproveAsync("S1", $"未同意客户{_s}有限公司", "--contact-phone", Phone(5));

        var consent = await CpctlAsync("data", "consent", consenting, "--purpose", "third_party_sharing", "--purpose", "service",
            "--evidence", $"DOC-{_s}", "--as", Id("S1"), "--json");
        var shared = await CpctlAsync("data", "share", consenting, "--third-party", "物流伙伴 / a logistics partner", "--contract", $"DPA-{_s}", "--as", Id("M"), "--json");
        var refused = await CpctlAsync("data", "share", silent, "--third-party", "物流伙伴 / a logistics partner", "--contract", $"DPA-{_s}", "--as", Id("M"));
        var keys = await CpctlAsync("data", "keys");
        var keysJson = await CpctlAsync("data", "keys", "--json");
        var keysNotHq = await CpctlAsync("data", "keys", "--as", Id("M"));

        Assert.True(consent.Exit == 0, consent.ToString());
        Assert.Equal(["PURPOSE_SALES_DEVELOPMENT", "PURPOSE_SERVICE", "PURPOSE_THIRD_PARTY_SHARING"],
            consent.Json.GetProperty("purposes").EnumerateArray().Select(p => p.GetString()!).Order(StringComparer.Ordinal));
        Assert.True(shared.Exit == 0, shared.ToString());
        Assert.Equal((phone, $"DPA-{_s}"), (shared.Json.GetProperty("contact").GetProperty("phone").GetString(), shared.Json.GetProperty("contract_reference").GetString()));
        Assert.True(refused.Exit == ExitCodes.Refused, refused.ToString());
        Assert.Contains("rule     C-6", refused.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(Phone(5), refused.Out + refused.Err, StringComparison.Ordinal);
        Assert.True(keys.Exit == 0, keys.ToString());
        var active = keysJson.Json.GetProperty("active_key_id").GetString()!;
        Assert.NotEmpty(active);
        Assert.Contains(active, keysJson.Json.GetProperty("key_ids").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(active, Field(keys.Out, "active_key_id"));
        Assert.True(keysNotHq.Exit == ExitCodes.PermissionDenied, keysNotHq.ToString());
    }

    [Fact]
    public async Task The_AppHost_writes_the_services_addresses_where_cpctl_finds_a_running_system()
    {
        // The fixture's AppHost runs in an ephemeral data folder; its address file is the one naming its ports.
        var registrationPort = system.App.GetEndpoint(ResourceNames.Registration, ResourceNames.GrpcEndpoint).Port;
        var file = Directory.EnumerateFiles(Path.Combine(Path.GetTempPath(), "customerprotection-apphost"), "services.json", SearchOption.AllDirectories)
            .Single(f => RegistrationPort(f) == registrationPort);
        var addresses = JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement;

        var status = await CpctlAsync(new Dictionary<string, string> { ["CP_SIGNING_KEY"] = system.SigningKey }, "status", "--services-file", file, "--json");

        Assert.All(SystemFixture.Services, service =>
        {
            var entry = addresses.GetProperty(service);
            Assert.Equal(system.App.GetEndpoint(service, ResourceNames.GrpcEndpoint).Port, new Uri(entry.GetProperty("grpc").GetString()!).Port);
            Assert.Equal(system.App.GetEndpoint(service, ResourceNames.ApiEndpoint).Port, new Uri(entry.GetProperty("api").GetString()!).Port);
            Assert.Equal(new Uri(system.App.GetEndpoint(service, ResourceNames.HttpEndpoint), "/health"), new Uri(entry.GetProperty("health").GetString()!));
        });
        Assert.True(status.Exit == ExitCodes.Ok, status.ToString());
        Assert.Equal(SystemFixture.Services, status.Json.EnumerateArray().Select(t => t.GetProperty("service").GetString()));
        Assert.All(status.Json.EnumerateArray(), t => Assert.True(t.GetProperty("controllable").GetBoolean()));
    }

    /// <summary>The registration port an address file names; other AppHosts (other test runs) may be deleting theirs meanwhile.</summary>
    private static int? RegistrationPort(string file)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(file)).RootElement.TryGetProperty(ResourceNames.Registration, out var entry)
                ? new Uri(entry.GetProperty("grpc").GetString()!).Port
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
