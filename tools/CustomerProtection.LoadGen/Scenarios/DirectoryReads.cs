using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Grpc.Core;

namespace CustomerProtection.LoadGen.Scenarios;

/// <summary>Territory directory look-ups (GetEmployee) against an imported organisation.</summary>
public sealed class DirectoryReads : IScenario
{
    public string Name => "directory-reads";

    public string Description => "Territory GetEmployee at N callers";

    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var client = new OrganizationDirectory.OrganizationDirectoryClient(context.Channel("territory"));
        var hq = new Metadata { { "Authorization", "Bearer " + context.Token("LOAD-HQ", Roles.Hq, null, null) } };
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var employees = Enumerable.Range(0, 200).Select(i =>
            $$"""{"id":"L{{suffix}}-{{i}}","name":"员工{{i}}","role":"salesperson","branch_id":"LB-{{suffix}}"}""");
        var json = $$"""
            {"regions":[{"id":"LR-{{suffix}}","name":"压测大区"}],
             "branches":[{"id":"LB-{{suffix}}","region_id":"LR-{{suffix}}","name":"压测分公司","kind":"branch"}],
             "employees":[{{string.Join(",", employees)}}]}
            """;
        await client.ImportOrganizationAsync(new ImportOrganizationRequest
        {
            Format = ImportFormat.Json,
            Content = Google.Protobuf.ByteString.CopyFromUtf8(json),
        }, hq, cancellationToken: cancellationToken);

        var result = await LoadRunner.RunAsync(Name, context.Concurrency, context.Duration, async (_, n) =>
            await client.GetEmployeeAsync(new GetEmployeeRequest { EmployeeId = $"L{suffix}-{n % 200}" }, hq, cancellationToken: cancellationToken), cancellationToken, context.Warmup, context.Rate);
        await context.Output.WriteLineAsync(result.ToString());
    }
}
