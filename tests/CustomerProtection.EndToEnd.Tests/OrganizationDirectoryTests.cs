using CustomerProtection.Tokens;
using System.Diagnostics;
using System.Text;
using CustomerProtection.Registration.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace CustomerProtection.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public sealed class OrganizationDirectoryTests(SystemFixture system)
{
    private OrganizationDirectory.OrganizationDirectoryClient Territory => new(system.Channel(ResourceNames.Territory));
    private OrganizationReplica.OrganizationReplicaClient Registration => new(system.Channel(ResourceNames.Registration));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    private static string Organisation(string suffix) => $$"""
        {"regions":[{"id":"R-EAST-{{suffix}}","name":"华东大区"},{"id":"R-WEST-{{suffix}}","name":"西部大区"}],
         "branches":[{"id":"B-SH-{{suffix}}","region_id":"R-EAST-{{suffix}}","name":"上海分公司","kind":"branch","direct":true,"manager_id":"M-{{suffix}}"}],
         "employees":[{"id":"M-{{suffix}}","name":"李经理","role":"branch_manager","branch_id":"B-SH-{{suffix}}","hire_date":"2019-04-01"},
                      {"id":"S1-{{suffix}}","name":"张三","role":"salesperson","branch_id":"B-SH-{{suffix}}","manager_id":"M-{{suffix}}","hire_date":"2024-01-02"},
                      {"id":"S2-{{suffix}}","name":"王五","role":"salesperson","branch_id":"B-SH-{{suffix}}","manager_id":"M-{{suffix}}"},
                      {"id":"RS-{{suffix}}","name":"赵秘书","role":"regional_secretary","region_id":"R-WEST-{{suffix}}"}],
         "dealers":[{"id":"D1-{{suffix}}","name":"上海经销","branch_id":"B-SH-{{suffix}}","kind":"point_to_point","taxpayer_id":"91350100M000100Y43","invoice_title":"上海某某贸易有限公司"}]}
        """;

    private static string Suffix() => Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Import_through_Territory_reaches_Registration_over_RabbitMQ_in_the_same_trace()
    {
        var suffix = Suffix();
        var traceId = ActivityTraceId.CreateRandom();
        var headers = system.As("HQ-1", Roles.Hq);
        headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        var result = await Territory.ImportOrganizationAsync(new ImportOrganizationRequest
        {
            Format = ImportFormat.Json,
            Content = ByteString.CopyFrom(Organisation(suffix), Encoding.UTF8),
        }, headers);

        Assert.Equal(4, result.Employees.Created);
        Assert.Equal(8, result.EventsPublished);

        var copy = await Eventually.GetAsync(async () =>
            await Registration.GetEmployeeAsync(new GetEmployeeReplicaRequest { EmployeeId = "S1-" + suffix }, system.As("S1-" + suffix, Roles.Salesperson)), "EmployeeJoined in Registration");
        Assert.Equal("M-" + suffix, copy.ManagerId);
        Assert.Equal("B-SH-" + suffix, copy.BranchId);
        Assert.Equal("R-EAST-" + suffix, copy.RegionId);
        Assert.Equal(traceId.ToHexString(), copy.SourceTraceId);

        var dealer = await Eventually.GetAsync(async () =>
            await Registration.GetDealerAsync(new GetDealerReplicaRequest { DealerId = "D1-" + suffix }, Hq), "DealerAppointed in Registration");
        Assert.Equal("uscc:91350100M000100Y43", dealer.IdentityKey);
    }

    [Fact]
    public async Task A_departure_recorded_in_Territory_reaches_Registration()
    {
        var suffix = Suffix();
        await Territory.ImportOrganizationAsync(new ImportOrganizationRequest { Format = ImportFormat.Json, Content = ByteString.CopyFrom(Organisation(suffix), Encoding.UTF8) }, Hq);

        var left = await Territory.RecordEmployeeLeftAsync(new RecordEmployeeLeftRequest { EmployeeId = "S2-" + suffix, Reason = "辞职" },
            system.As("M-" + suffix, Roles.BranchManager, "B-SH-" + suffix, "R-EAST-" + suffix));

        Assert.Equal(EmployeeStatus.Left, left.Status);
        var copy = await Eventually.GetAsync(async () =>
        {
            var e = await Registration.GetEmployeeAsync(new GetEmployeeReplicaRequest { EmployeeId = "S2-" + suffix }, Hq);
            return e.Status == EmployeeStatus.Left ? e : null;
        }, "EmployeeLeft in Registration");
        Assert.Equal(left.Version, copy.Version);
    }

    [Fact]
    public async Task A_call_without_a_token_is_Unauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Territory.ListRegionsAsync(new ListRegionsRequest()));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("a valid bearer token is required", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_Unauthenticated()
    {
        var forged = DevTokens.Mint(Convert.ToBase64String(new byte[32]), "HQ-1", Roles.Hq, null, null, TimeProvider.System.GetUtcNow(), TimeSpan.FromHours(1));
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Territory.ListRegionsAsync(new ListRegionsRequest(), SystemFixture.Bearer(forged)));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task A_salesperson_creating_a_region_is_PermissionDenied()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Territory.CreateRegionAsync(new CreateRegionRequest { RegionId = "R-" + Suffix(), Name = "新大区" }, system.As("S1", Roles.Salesperson, "B-SH", "R-EAST")));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task Health_and_reflection_answer_without_a_token()
    {
        foreach (var service in SystemFixture.Services)
        {
            // Another test may have restarted a service (PenaltyRestartTests): wait until the AppHost sees it healthy again.
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await system.App.ResourceNotifications.WaitForResourceHealthyAsync(service, WaitBehavior.WaitOnResourceUnavailable, timeout.Token);
            var health = await new Health.HealthClient(system.Channel(service)).CheckAsync(new HealthCheckRequest());
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        }
    }

    [Fact]
    public async Task Malformed_fields_are_InvalidArgument_with_field_violations_and_nothing_is_written()
    {
        var id = "E-" + Suffix();
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Territory.CreateEmployeeAsync(new CreateEmployeeRequest
        {
            EmployeeId = id,
            Name = "",
            Role = Role.Salesperson,
            HireDate = new Google.Type.Date { Year = 2024, Month = 13, Day = 2 },
        }, Hq));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = error.GetRpcStatus()!.GetDetail<BadRequest>();
        Assert.Equal(["hire_date", "name"], badRequest.FieldViolations.Select(v => v.Field).Order());

        var missing = await Assert.ThrowsAsync<RpcException>(async () => await Territory.GetEmployeeAsync(new GetEmployeeRequest { EmployeeId = id }, Hq));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task P7_point_to_area_dealer_is_FailedPrecondition_with_the_rule_id()
    {
        var suffix = Suffix();
        await Territory.ImportOrganizationAsync(new ImportOrganizationRequest { Format = ImportFormat.Json, Content = ByteString.CopyFrom(Organisation(suffix), Encoding.UTF8) }, Hq);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Territory.AppointDealerAsync(new AppointDealerRequest
        {
            DealerId = "D9-" + suffix,
            Name = "华东总代",
            BranchId = "B-SH-" + suffix,
            Kind = DealerKind.PointToArea,
            InvoiceTitle = "华东总代理有限公司",
        }, Hq));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var info = error.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal("P-7", info.Reason);
        Assert.Equal("B-SH-" + suffix, info.Metadata["direct_branches"]);
    }
}
