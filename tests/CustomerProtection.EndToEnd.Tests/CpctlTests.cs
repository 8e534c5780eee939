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

    /// <summary>hq imports a branch with a manager, a secretary and two salespeople through <c>cpctl org import</c>.</summary>
    private async Task ImportOrganisationAsync()
    {
        var file = Path.Combine(_folder, "org.json");
        await File.WriteAllTextAsync(file, $$"""
            {"regions":[{"id":"{{Id("R-EAST")}}","name":"华东大区"}],
             "branches":[{"id":"{{Branch}}","region_id":"{{Id("R-EAST")}}","name":"上海分公司","kind":"branch","manager_id":"{{Id("M")}}"}],
             "employees":[{"id":"{{Id("M")}}","name":"李经理","role":"branch_manager","branch_id":"{{Branch}}"},
                          {"id":"{{Id("S1")}}","name":"张三","role":"salesperson","branch_id":"{{Branch}}","manager_id":"{{Id("M")}}"},
                          {"id":"{{Id("S2")}}","name":"王五","role":"salesperson","branch_id":"{{Branch}}","manager_id":"{{Id("M")}}"},
                          {"id":"{{Id("SEC")}}","name":"赵秘书","role":"branch_secretary","branch_id":"{{Branch}}"}]}
            """);
        var imported = await CpctlAsync("org", "import", "--file", file, "--json");
        Assert.True(imported.Exit == 0, imported.ToString());
        Assert.Equal(4, imported.Json.GetProperty("employees").GetProperty("created").GetInt32());

        // Registration copies the organisation from Territory's events: ready when its replica answers.
        foreach (var employee in new[] { "S1", "S2", "SEC", "M" })
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

    /// <summary>A customer filed by <paramref name="salesperson"/> (role, branch and region looked up in the directory) and approved.</summary>
    private async Task<string> FileAndApproveAsync(string salesperson, string title)
    {
        var filed = await CpctlAsync("customer", "file", "--as", Id(salesperson), "--title", title, "--class", "potential",
            "--evidence-kind", "visit", "--evidence", "拜访纪要", "--json");
        Assert.True(filed.Exit == 0, filed.ToString());
        var customerId = filed.Json.GetProperty("customer_id").GetString()!;
        if (filed.Json.GetProperty("status").GetString() == "pending_approval")
        {
            var approved = await CpctlAsync("customer", "approve", customerId, "--as", Id("SEC"), "--json");
            Assert.True(approved.Exit == 0, approved.ToString());
            Assert.Equal("protected", approved.Json.GetProperty("status").GetString());
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
    public async Task P4_5_a_late_complaint_prints_the_rule_and_its_numbers_and_exits_with_the_refusal_code_also_as_json()
    {
        await ImportOrganisationAsync();
        var customerId = await FileAndApproveAsync("S1", $"迟到投诉{_s}有限公司");
        var today = (await CpctlAsync("clock", "now", "--json")).Json.GetProperty("today").GetString()!;
        var longAgo = DateOnly.ParseExact(today, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
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

        Assert.True(json.Exit == 0, json.ToString());
        var customers = json.Json.GetProperty("customers").EnumerateArray().ToList();
        Assert.Equal([first, second], customers.Select(c => c.GetProperty("customer_id").GetString()).Order(StringComparer.Ordinal));
        Assert.All(customers, c => Assert.Equal(("protected", Id("S1")), (c.GetProperty("status").GetString(), c.GetProperty("owner_id").GetString())));
        Assert.Contains("customer_id", table.Out, StringComparison.Ordinal);
        Assert.Contains($"列表甲{_s}有限公司", table.Out, StringComparison.Ordinal);
        Assert.True(pending.Exit == 0, pending.ToString());
        var row = pending.Out.Split('\n').Single(l => l.Contains($"待批丙{_s}有限公司", StringComparison.Ordinal));
        Assert.Contains(waiting.Json.GetProperty("customer_id").GetString()!, row, StringComparison.Ordinal);
        Assert.Contains(Id("S2"), row, StringComparison.Ordinal);
        Assert.Equal([Id("S1"), Id("S2")], employees.Json.GetProperty("employees").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.All(employees.Json.GetProperty("employees").EnumerateArray(), e => Assert.Equal("ROLE_SALESPERSON", e.GetProperty("role").GetString()));
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
    public async Task The_AppHost_writes_the_services_addresses_where_cpctl_finds_a_running_system()
    {
        // The fixture's AppHost runs in an ephemeral data folder; its address file is the one naming its ports.
        var registrationPort = system.App.GetEndpoint(ResourceNames.Registration, ResourceNames.GrpcEndpoint).Port;
        var file = Directory.EnumerateFiles(Path.Combine(Path.GetTempPath(), "customerprotection-apphost"), "services.json", SearchOption.AllDirectories)
            .Single(f => RegistrationPort(f) == registrationPort);
        var addresses = JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement;

        var status = await CpctlAsync(new Dictionary<string, string> { ["CP_SIGNING_KEY"] = system.SigningKey }, "status", "--services-file", file, "--json");

        Assert.All(SystemFixture.Services, service => Assert.Equal(
            system.App.GetEndpoint(service, ResourceNames.GrpcEndpoint).Port, new Uri(addresses.GetProperty(service).GetString()!).Port));
        Assert.True(status.Exit == ExitCodes.Ok, status.ToString());
        Assert.Equal(SystemFixture.Services, status.Json.EnumerateArray().Select(t => t.GetProperty("service").GetString()));
        Assert.All(status.Json.EnumerateArray(), t => Assert.True(t.GetProperty("controllable").GetBoolean()));
    }

    /// <summary>The registration port an address file names; other AppHosts (other test runs) may be deleting theirs meanwhile.</summary>
    private static int? RegistrationPort(string file)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(file)).RootElement.TryGetProperty(ResourceNames.Registration, out var url)
                ? new Uri(url.GetString()!).Port
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
