using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting.Testing;
using CustomerProtection.Policy.Actors;
using Google.Api;
using Microsoft.OpenApi.Readers;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// JSON beside gRPC (docs/api.md), through the AppHost with a plain HttpClient on each service's api endpoint: the
/// OpenAPI document validates and names a route for every RPC, a JSON call answers what the gRPC call answers, and a
/// refusal is the rich status as JSON.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class JsonApiTests(SystemFixture system)
{
    private HttpClient Api(string service, string? token = null)
    {
        var client = new HttpClient { BaseAddress = system.App.GetEndpoint(service, ResourceNames.ApiEndpoint) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public static TheoryData<string> Services() => [.. SystemFixture.ApiServices];

    [Theory]
    [MemberData(nameof(Services))]
    public async Task The_openapi_document_validates_and_has_a_route_for_every_rpc_but_the_client_streaming_ones(string service)
    {
        using var client = Api(service);
        await using var document = await client.GetStreamAsync("/openapi/v1.json");
        var openApi = new OpenApiStreamReader().Read(document, out var diagnostic);

        Assert.Empty(diagnostic.Errors);
        var missing = new List<string>();
        foreach (var (method, _) in Fuzz.EveryRpcFuzzTests.Endpoints().Where(e => e.Service == service && !e.Method.IsClientStreaming))
        {
            var rule = method.GetOptions()?.GetExtension(AnnotationsExtensions.Http);
            var (verb, path) = rule is null ? ("", "") : Route(rule);
            if (rule is null || !openApi.Paths.TryGetValue(path, out var item)
                || !item.Operations.Keys.Any(o => string.Equals(o.ToString(), verb, StringComparison.OrdinalIgnoreCase)))
            {
                missing.Add($"{method.FullName} ({(rule is null ? "no google.api.http annotation" : verb + " " + path)})");
            }
        }

        Assert.True(missing.Count == 0, $"{missing.Count} RPCs of {service} have no JSON route:\n" + string.Join("\n", missing));
    }

    [Fact]
    public async Task In_development_each_service_serves_a_browsable_api_reference_of_its_document()
    {
        foreach (var service in SystemFixture.ApiServices)
        {
            using var client = Api(service);
            var page = await client.GetStringAsync("/api-docs/index.html");
            Assert.Contains("swagger", page, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task A_json_call_answers_what_the_grpc_call_answers(string service)
    {
        var token = system.Token("HQ-JSON", Roles.Hq);
        using var client = Api(service, token);

        var json = JsonDocument.Parse(await client.GetStringAsync("/v1/clock")).RootElement;
        var grpc = await new Platform.V1.Clock.ClockClient(system.Channel(service)).GetTimeAsync(new(), SystemFixture.Bearer(token));

        Assert.Equal(service, json.GetProperty("service").GetString());
        Assert.Equal(grpc.Controllable, json.GetProperty("controllable").GetBoolean());
        // Instants are RFC 3339 UTC strings (docs/api.md); the two calls are moments apart.
        var now = DateTimeOffset.Parse(json.GetProperty("now").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(now - grpc.Now.ToDateTimeOffset(), TimeSpan.FromMinutes(-1), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_json_call_without_a_token_is_unauthenticated_401()
    {
        using var client = Api(ResourceNames.Registration);

        using var response = await client.GetAsync("/v1/clock");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_malformed_json_request_is_invalid_argument_400_with_the_field_and_changes_nothing()
    {
        var token = system.Token("HQ-JSON", Roles.Hq);
        using var client = Api(ResourceNames.Territory, token);
        var before = await new Platform.V1.Clock.ClockClient(system.Channel(ResourceNames.Territory)).GetTimeAsync(new(), SystemFixture.Bearer(token));

        using var response = await client.PostAsync("/v1/clock:advance", new StringContent("""{"by": "-3600s"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(3, status.GetProperty("code").GetInt32()); // INVALID_ARGUMENT
        var badRequest = Assert.Single(status.GetProperty("details").EnumerateArray(),
            d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.BadRequest");
        Assert.Contains(badRequest.GetProperty("fieldViolations").EnumerateArray(), v => v.GetProperty("field").GetString() == "by");
        var after = await new Platform.V1.Clock.ClockClient(system.Channel(ResourceNames.Territory)).GetTimeAsync(new(), SystemFixture.Bearer(token));
        Assert.Equal(before.Offset, after.Offset);
    }

    [Fact]
    public async Task A_branch_system_files_and_approves_a_customer_as_json_and_a_second_filing_is_refused_409_with_rule_P9_1()
    {
        var org = await TestOrganisation.ImportAsync(system);
        string Token(string name, string role) => system.Token(org.Id(name), role, org.Branch, org.Region);
        var filing = TestOrganisation.Filing("JSON 客户 / json customer " + org.S, TestOrganisation.NewTaxpayerId(), await org.TodayAsync());
        // What a JSON client sends: the request in proto3's JSON form (lowerCamelCase names).
        var body = Google.Protobuf.JsonFormatter.Default.Format(filing);

        using var first = Api(ResourceNames.Registration, Token("S1", Roles.Salesperson));
        using var filed = await first.PostAsync("/v1/customers", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
        var customerId = JsonDocument.Parse(await filed.Content.ReadAsStringAsync()).RootElement.GetProperty("customerId").GetString()!;

        using var second = Api(ResourceNames.Registration, Token("S2", Roles.Salesperson));
        using var refused = await second.PostAsync("/v1/customers", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var status = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(6, status.GetProperty("code").GetInt32()); // ALREADY_EXISTS
        var info = Assert.Single(status.GetProperty("details").EnumerateArray(),
            d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.ErrorInfo");
        Assert.Equal("P-9.1", info.GetProperty("reason").GetString());

        using var secretary = Api(ResourceNames.Registration, Token("SEC", Roles.BranchSecretary));
        using var approved = await secretary.PostAsync($"/v1/customers/{customerId}:approve", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var view = await new Registration.V1.Customers.CustomersClient(system.Channel(ResourceNames.Registration))
            .GetCustomerAsync(new Registration.V1.GetCustomerRequest { CustomerId = customerId }, org.Salesperson1);
        Assert.Equal(org.Id("S1"), view.OwnerId);
        // The enum by its name in JSON (docs/api.md), the same value over gRPC.
        Assert.Equal("CUSTOMER_STATUS_PROTECTED", JsonDocument.Parse(await approved.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal(Registration.V1.CustomerStatus.Protected, view.Status);
    }

    /// <summary>
    /// C-6 and C-5 as JSON: a consent names its purposes by the enum's names, and the audit list takes its period as RFC 3339
    /// instants in the query and names the entry's RPC — the method, not the JSON route it came by.
    /// </summary>
    [Fact]
    public async Task C5_C6_a_consent_recorded_as_json_is_audited_under_its_rpc_and_listed_by_a_period_of_rfc_3339_instants()
    {
        var org = await TestOrganisation.ImportAsync(system);
        var customer = await org.FileProtectedCustomerAsync("JSON 同意 / json consent " + org.S);
        // The business clock (other tests move it), a minute back: the consent is recorded after it.
        var before = (await new Platform.V1.Clock.ClockClient(system.Channel(ResourceNames.Registration))
            .GetTimeAsync(new(), SystemFixture.Bearer(system.Token("HQ-JSON", Roles.Hq)))).Now.ToDateTimeOffset().AddMinutes(-1);
        using var owner = Api(ResourceNames.Registration, system.Token(org.Id("S1"), Roles.Salesperson, org.Branch, org.Region));
        using var hq = Api(ResourceNames.Registration, system.Token("HQ-JSON", Roles.Hq));

        using var consented = await owner.PostAsync($"/v1/customers/{customer.CustomerId}:recordConsent",
            new StringContent("""{"purposes": ["PURPOSE_SERVICE"], "evidence": "DOC-JSON-1"}""", Encoding.UTF8, "application/json"));
        using var unspecified = await owner.PostAsync($"/v1/customers/{customer.CustomerId}:recordConsent",
            new StringContent("""{"purposes": ["PURPOSE_UNSPECIFIED"], "evidence": "DOC-JSON-2"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, consented.StatusCode);
        Assert.Equal(["PURPOSE_SALES_DEVELOPMENT", "PURPOSE_SERVICE"],
            JsonDocument.Parse(await consented.Content.ReadAsStringAsync()).RootElement.GetProperty("purposes").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, unspecified.StatusCode);
        var badRequest = Assert.Single(JsonDocument.Parse(await unspecified.Content.ReadAsStringAsync()).RootElement.GetProperty("details").EnumerateArray(),
            d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.BadRequest");
        Assert.Equal("purposes[0]", Assert.Single(badRequest.GetProperty("fieldViolations").EnumerateArray()).GetProperty("field").GetString());

        var since = Uri.EscapeDataString(before.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        var raw = await Eventually.GetAsync(async () =>
        {
            using var listed = await hq.GetAsync($"/v1/auditEntries?customerId={customer.CustomerId}&from={since}");
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
            var entries = JsonDocument.Parse(await listed.Content.ReadAsStringAsync()).RootElement.GetProperty("auditEntries").EnumerateArray();
            return entries.Where(e => e.GetProperty("kind").GetString() == "AUDIT_ENTRY_KIND_CONSENT").Select(e => e.GetRawText()).FirstOrDefault();
        }, "the consent's audit entry");
        var entry = JsonDocument.Parse(raw).RootElement;
        Assert.Equal(("CustomerData/RecordConsent", "PURPOSE_ADMINISTRATION", "ACCOUNT_ROLE_SALESPERSON"),
            (entry.GetProperty("rpc").GetString(), entry.GetProperty("purpose").GetString(), entry.GetProperty("role").GetString()));
        Assert.True(DateTimeOffset.Parse(entry.GetProperty("at").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > before);
    }

    /// <summary>The HTTP verb and the OpenAPI path of an annotation (OpenAPI names a path variable by its JSON name).</summary>
    [Fact]
    public async Task X7_C2_a_json_client_uploads_a_branch_list_as_text_csv_and_downloads_it_masked_for_a_regional_manager()
    {
        var org = await TestOrganisation.ImportAsync(system);
        var csv = $"""
            invoice_title,owner_id,customer_class,declared_annual_sales,contact_name,contact_phone
            上传客户甲{org.S}有限公司,{org.Id("S1")},important,350000,张三,13900002222
            上传客户乙{org.S}有限公司,NOBODY,ordinary,,,
            """;

        using var secretary = Api(ResourceNames.Registration, system.Token(org.Id("SEC"), Roles.BranchSecretary, org.Branch, org.Region));
        using var uploaded = await secretary.PostAsync($"/v1/customers:uploadCsv?branchId={org.Branch}", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        var report = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((2, 1, 1), (report.GetProperty("rows").GetInt32(), report.GetProperty("filed").GetInt32(), report.GetProperty("refused").GetInt32()));
        var results = report.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["IMPORT_OUTCOME_FILED", "IMPORT_OUTCOME_REFUSED"], results.Select(r => r.GetProperty("outcome").GetString()));
        var customerId = results[0].GetProperty("customerId").GetString()!;

        using var regional = Api(ResourceNames.Registration, system.Token("RM-" + org.S, Roles.RegionalManager, null, org.Region));
        using var downloaded = await regional.GetAsync($"/v1/customers:downloadCsv?branchId={org.Branch}");
        Assert.Equal(HttpStatusCode.OK, downloaded.StatusCode);
        Assert.Equal("text/csv", downloaded.Content.Headers.ContentType?.MediaType);
        var text = await downloaded.Content.ReadAsStringAsync();
        Assert.Contains(customerId, text, StringComparison.Ordinal);
        Assert.Contains("139****2222", text, StringComparison.Ordinal);
        Assert.DoesNotContain("13900002222", text, StringComparison.Ordinal);
    }

    private static (string Verb, string Path) Route(HttpRule rule)
    {
        var (verb, template) = rule.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => ("Get", rule.Get),
            HttpRule.PatternOneofCase.Post => ("Post", rule.Post),
            HttpRule.PatternOneofCase.Put => ("Put", rule.Put),
            HttpRule.PatternOneofCase.Patch => ("Patch", rule.Patch),
            HttpRule.PatternOneofCase.Delete => ("Delete", rule.Delete),
            _ => (rule.Custom.Kind, rule.Custom.Path),
        };
        return (verb, PathVariable().Replace(template, m => "{" + JsonName(m.Groups[1].Value) + "}"));
    }

    private static string JsonName(string field) =>
        string.Concat(field.Split('_').Select((part, i) => i == 0 || part.Length == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]));

    [GeneratedRegex(@"\{([a-z0-9_]+)\}")]
    private static partial Regex PathVariable();
}
