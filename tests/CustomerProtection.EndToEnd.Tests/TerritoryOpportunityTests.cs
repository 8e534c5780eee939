using System.Text;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Google.Protobuf;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>P-11, X-5 through the real AppHost: the round robin asks Registration for holdings and skips those on leave.</summary>
[Collection(SystemCollection.Name)]
public sealed class TerritoryOpportunityTests(SystemFixture system)
{
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    [Fact]
    public async Task P11_X5_opportunities_go_round_robin_in_the_published_order_skipping_a_salesperson_on_leave()
    {
        var s = Guid.NewGuid().ToString("N")[..8];
        var json = $$"""
            {"regions":[{"id":"R-{{s}}","name":"华东大区"}],
             "branches":[{"id":"B-{{s}}","region_id":"R-{{s}}","name":"上海分公司","kind":"branch"}],
             "employees":[{"id":"A1-{{s}}","name":"甲","role":"salesperson","branch_id":"B-{{s}}"},
                          {"id":"A2-{{s}}","name":"乙","role":"salesperson","branch_id":"B-{{s}}","status":"on_leave"},
                          {"id":"A3-{{s}}","name":"丙","role":"salesperson","branch_id":"B-{{s}}"}]}
            """;
        await new OrganizationDirectory.OrganizationDirectoryClient(system.Channel(ResourceNames.Territory))
            .ImportOrganizationAsync(new ImportOrganizationRequest { Format = ImportFormat.Json, Content = ByteString.CopyFrom(json, Encoding.UTF8) }, Hq);
        // X-5 asks Registration for the holdings of the branch's salespeople: its copy of the organisation
        // (from Territory's events) must know them first, as TestOrganisation waits for it.
        var replica = new Registration.V1.OrganizationReplica.OrganizationReplicaClient(system.Channel(ResourceNames.Registration));
        foreach (var name in new[] { "A1", "A2", "A3" })
        {
            await Eventually.GetAsync(async () => await replica.GetEmployeeAsync(new Registration.V1.GetEmployeeReplicaRequest { EmployeeId = $"{name}-{s}" }, Hq), $"{name}-{s} in Registration");
        }

        var opportunities = new Opportunities.OpportunitiesClient(system.Channel(ResourceNames.Territory));

        var published = new List<Opportunity>();
        for (var i = 1; i <= 3; i++)
        {
            published.Add(await opportunities.PublishOpportunityAsync(new PublishOpportunityRequest { RequestId = $"O{i}-{s}", Title = $"外部商机 {i}", BranchId = "B-" + s }, Hq));
        }

        Assert.Equal(["A1-" + s, "A3-" + s, "A1-" + s], published.Select(p => p.AssigneeId));
        var rotation = await opportunities.GetRotationAsync(new GetRotationRequest { BranchId = "B-" + s }, Hq);
        Assert.Equal(["A1-" + s, "A2-" + s, "A3-" + s], rotation.Order);
        Assert.Equal(published.Select(p => p.Id), rotation.Assignments.Select(a => a.Id));
        var skipped = Assert.Single(rotation.Assignments[1].Skipped);
        Assert.Equal(("A2-" + s, SkipReason.OnLeave), (skipped.EmployeeId, skipped.Reason));
    }
}
