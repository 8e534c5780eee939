using System.Text;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Registration.V1;
using CustomerProtection.Territory.V1;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests.Fuzz;

/// <summary>
/// The edge limits every RPC applies before it does anything, and refusals that always fit the client's 64 KB header
/// limit (issue 21's findings, through the real gRPC client).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class EdgeLimitTests(SystemFixture system)
{
    [Fact]
    public async Task ListAccessGrants_with_a_20000_character_branch_id_is_refused_as_invalid_not_lost_in_the_transport()
    {
        var org = await TestOrganisation.ImportAsync(system);
        var grants = new AccessGrants.AccessGrantsClient(system.Channel(ResourceNames.Registration));

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await grants.ListAccessGrantsAsync(new ListAccessGrantsRequest { BranchId = new string('b', 20_000) }, org.Salesperson1));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var violation = Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal("branch_id", violation.Field);
        Assert.Contains("64", violation.Description);
    }

    [Fact]
    public async Task CreateRegion_with_a_100000_character_id_is_refused_naming_the_id_in_a_short_message()
    {
        var directory = new OrganizationDirectory.OrganizationDirectoryClient(system.Channel(ResourceNames.Territory));
        var hq = system.As("HQ-EDGE", Roles.Hq);
        var id = new string('R', 100_000);

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await directory.CreateRegionAsync(new CreateRegionRequest { RegionId = id, Name = "华东大区" }, hq));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations, v => v.Field == "region_id");
        Assert.True(ex.Status.Detail.Length <= 1000, $"the message repeats {ex.Status.Detail.Length} characters");
    }

    [Fact]
    public async Task ImportOrganization_with_thousands_of_bad_rows_is_refused_within_the_header_limit()
    {
        var directory = new OrganizationDirectory.OrganizationDirectoryClient(system.Channel(ResourceNames.Territory));
        var hq = system.As("HQ-EDGE", Roles.Hq);
        var rows = string.Join(',', Enumerable.Range(0, 5000).Select(i => $$"""{"id":"bad id {{i}} {{new string('x', 40)}}","name":""}"""));
        var content = ByteString.CopyFrom($$"""{"regions":[{{rows}}]}""", Encoding.UTF8);

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await directory.ImportOrganizationAsync(new ImportOrganizationRequest { Format = ImportFormat.Json, Content = content }, hq));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var violations = ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations;
        Assert.Equal(20, violations.Count);
        Assert.StartsWith("regions[0].", violations[0].Field);
        Assert.EndsWith("(+9980)", ex.Status.Detail);
    }

    /// <summary>Found by the fuzz test: the audit query took year 1 as an instant and threw (Unknown).</summary>
    [Fact]
    public async Task ListAuditEntries_with_an_instant_in_year_1_is_refused_as_invalid()
    {
        var audit = new Audit.AuditClient(system.Channel(ResourceNames.Registration));

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await audit.ListAuditEntriesAsync(
            new ListAuditEntriesRequest { To = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.MinValue) }, system.As("HQ-EDGE", Roles.Hq)));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("to", Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    /// <summary>Territory's directory took any year as a hire date (an employee hired in year 1 was stored).</summary>
    [Fact]
    public async Task A_hire_date_outside_1900_to_2199_is_refused_before_the_handler()
    {
        var org = await TestOrganisation.ImportAsync(system);
        var directory = new OrganizationDirectory.OrganizationDirectoryClient(system.Channel(ResourceNames.Territory));
        var request = new CreateEmployeeRequest { EmployeeId = org.Id("S9"), Name = "钱七", Role = Role.Salesperson, BranchId = org.Branch, HireDate = new Google.Type.Date { Year = 1, Month = 1, Day = 1 } };

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await directory.CreateEmployeeAsync(request, system.As("HQ-EDGE", Roles.Hq)));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("hire_date", Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
    }
}
