using System.Diagnostics;
using CustomerProtection.Arbitration.V1;
using CustomerProtection.Penalty.V1;
using CustomerProtection.Platform.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Registration.V1;
using CustomerProtection.Territory.V1;
using Google.Rpc;
using Grpc.Core;
using Xunit.Abstractions;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// C-7, C-9 end to end: a frozen or departed account is refused by every service — the clock every service
/// maps and one of each service's own RPCs — although its token is still valid, and a freeze lifted lets it
/// in again. Registration records the state; the other services ask it and act on an answer at most a
/// second old (RegistrationAccountStates): the tests poll for the refusal and print how long it took.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class AccountAccessTests(SystemFixture system, ITestOutputHelper output)
{
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    /// <summary>What salesperson <paramref name="name"/> may call in each service while active; each answers OK before the account changes.</summary>
    private IReadOnlyList<(string Name, Func<Task> Call)> Probes(TestOrganisation org, string name)
    {
        var caller = org.As(name, Roles.Salesperson);
        var id = org.Id(name);
        return [.. Calls(id).Select(p => (p.Name, (Func<Task>)(() => p.Call(caller))))];
    }

    private IReadOnlyList<(string Name, Func<Metadata, Task> Call)> Calls(string id) =>
    [
        .. new[] { ResourceNames.Registration, ResourceNames.Territory, ResourceNames.Arbitration, ResourceNames.Penalty }
            .Select(service => ($"{service} Clock/GetTime", (Func<Metadata, Task>)(async caller =>
                await new Clock.ClockClient(system.Channel(service)).GetTimeAsync(new GetTimeRequest(), caller)))),
        ("registration Customers/ListCustomers", async caller =>
            await new Customers.CustomersClient(system.Channel(ResourceNames.Registration)).ListCustomersAsync(new ListCustomersRequest { OwnerId = id }, caller)),
        ("territory OrganizationDirectory/GetEmployee", async caller =>
            await new OrganizationDirectory.OrganizationDirectoryClient(system.Channel(ResourceNames.Territory)).GetEmployeeAsync(new GetEmployeeRequest { EmployeeId = id }, caller)),
        ("arbitration Cases/ListCases", async caller =>
            await new Cases.CasesClient(system.Channel(ResourceNames.Arbitration)).ListCasesAsync(new ListCasesRequest(), caller)),
        ("penalty Penalties/ListFines", async caller =>
            await new Penalties.PenaltiesClient(system.Channel(ResourceNames.Penalty)).ListFinesAsync(new ListFinesRequest { Filter = new FineFilter { EmployeeId = id } }, caller)),
    ];

    [Fact]
    public async Task C7_a_frozen_account_is_refused_by_every_service_and_a_lifted_freeze_lets_it_in_again()
    {
        var org = await TestOrganisation.ImportAsync(system);
        var probes = Probes(org, "S1");
        foreach (var (_, call) in probes)
        {
            await call();
        }

        var incidents = new Incidents.IncidentsClient(system.Channel(ResourceNames.Registration));
        var incident = await incidents.RecordIncidentAsync(new RecordIncidentRequest { Description = "疑似导出客户资料", EmployeeIds = { org.Id("S1") } }, Hq);

        foreach (var (name, call) in probes)
        {
            var refusal = (await UntilAsync(name, call, refused: true))!;
            Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
            var info = refusal.GetRpcStatus()!.GetDetail<ErrorInfo>();
            Assert.Equal(("C-7", incident.IncidentId), (info.Reason, info.Metadata["incidentIds"]));
        }

        // Another account of the same branch is not touched.
        foreach (var (_, call) in Probes(org, "S2"))
        {
            await call();
        }

        await incidents.UnfreezeAccountAsync(new UnfreezeAccountRequest { IncidentId = incident.IncidentId, EmployeeId = org.Id("S1"), Reason = "排除嫌疑" }, Hq);
        foreach (var (name, call) in probes)
        {
            await UntilAsync(name, call, refused: false);
        }
    }

    [Fact]
    public async Task C9_an_employee_recorded_as_left_in_territory_is_refused_by_every_service()
    {
        var org = await TestOrganisation.ImportAsync(system);
        var probes = Probes(org, "S1");
        foreach (var (_, call) in probes)
        {
            await call();
        }

        await new OrganizationDirectory.OrganizationDirectoryClient(system.Channel(ResourceNames.Territory))
            .RecordEmployeeLeftAsync(new RecordEmployeeLeftRequest { EmployeeId = org.Id("S1"), Reason = "辞职" }, Hq);

        foreach (var (name, call) in probes)
        {
            var refusal = (await UntilAsync(name, call, refused: true))!;
            Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
            Assert.Equal("C-9", refusal.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        }
    }

    /// <summary>
    /// Polls the call until it is refused (PermissionDenied) or, with <paramref name="refused"/> false, until it answers
    /// (30 s bound), and prints how long that took; returns the refusal.
    /// </summary>
    private async Task<RpcException?> UntilAsync(string name, Func<Task> call, bool refused)
    {
        var watch = Stopwatch.StartNew();
        var outcome = await Eventually.GetAsync(async () =>
        {
            RpcException? denial = null;
            try
            {
                await call();
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied)
            {
                denial = ex;
            }

            return (denial is not null) == refused ? new Outcome(denial) : null;
        }, refused ? $"{name} refusing the account" : $"{name} letting the account in again");
        output.WriteLine($"{name}: {(refused ? "refused" : "allowed again")} after {watch.Elapsed.TotalMilliseconds:0} ms");
        return outcome.Denial;
    }

    private sealed record Outcome(RpcException? Denial);
}
