using System.Text;
using CustomerProtection.Registration.V1;
using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Territory.V1;
using Google.Protobuf;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// A fresh branch (one region, a manager, two salespeople, a secretary) imported through Territory and
/// waited for in Registration's replica: the starting point of tests that file customers. Ids carry a
/// random suffix, so tests sharing the one system never meet.
/// </summary>
public sealed record TestOrganisation(SystemFixture System, string S)
{
    public string Branch => "B-" + S;

    public string Region => "R-" + S;

    public string Id(string name) => $"{name}-{S}";

    public Metadata As(string name, string role) => System.As(Id(name), role, Branch, Region);

    public Metadata Salesperson1 => As("S1", Roles.Salesperson);

    public Metadata Secretary => As("SEC", Roles.BranchSecretary);

    public static async Task<TestOrganisation> ImportAsync(SystemFixture system)
    {
        var s = Guid.NewGuid().ToString("N")[..8];
        var json = $$"""
            {"regions":[{"id":"R-{{s}}","name":"测试大区"}],
             "branches":[{"id":"B-{{s}}","region_id":"R-{{s}}","name":"测试分公司","kind":"branch","manager_id":"M-{{s}}"}],
             "employees":[{"id":"M-{{s}}","name":"钱经理","role":"branch_manager","branch_id":"B-{{s}}","hire_date":"2019-04-01"},
                          {"id":"S1-{{s}}","name":"孙一","role":"salesperson","branch_id":"B-{{s}}","manager_id":"M-{{s}}","hire_date":"2020-01-02"},
                          {"id":"S2-{{s}}","name":"周二","role":"salesperson","branch_id":"B-{{s}}","manager_id":"M-{{s}}","hire_date":"2020-01-02"},
                          {"id":"SEC-{{s}}","name":"吴秘书","role":"branch_secretary","branch_id":"B-{{s}}","hire_date":"2020-01-02"}]}
            """;
        var hq = system.As("HQ-1", Roles.Hq);
        await new OrganizationDirectory.OrganizationDirectoryClient(system.Channel(ResourceNames.Territory))
            .ImportOrganizationAsync(new ImportOrganizationRequest { Format = ImportFormat.Json, Content = ByteString.CopyFrom(json, Encoding.UTF8) }, hq);
        var replica = new OrganizationReplica.OrganizationReplicaClient(system.Channel(ResourceNames.Registration));
        foreach (var id in new[] { "M-", "S1-", "S2-", "SEC-" })
        {
            await Eventually.GetAsync(async () => await replica.GetEmployeeAsync(new GetReplicaRequest { Id = id + s }, hq), $"{id}{s} in Registration");
        }

        await Eventually.GetAsync(async () => await replica.GetBranchAsync(new GetReplicaRequest { Id = "B-" + s }, hq), "the branch in Registration");
        return new TestOrganisation(system, s);
    }
}
