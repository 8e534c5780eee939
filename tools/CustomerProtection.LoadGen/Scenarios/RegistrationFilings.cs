using CustomerProtection.Protos;
using System.Collections.Concurrent;
using CustomerProtection.Registration.V1;
using CustomerProtection.Policy.Actors;
using Grpc.Core;

namespace CustomerProtection.LoadGen.Scenarios;

/// <summary>
/// Filings (issue 4: ≥ 2,000/s, p99 &lt; 25 ms at 64 callers): new identities filed by 2,000
/// salespeople (X-1's cap of 200 each: 400,000 filings, a minute of warm-up and a minute measured at
/// 3,500/s, before the cap is the limit), each an atomic reservation with its
/// indexes and history; then the secretaries approve them (protection starts, FilingApproved and
/// OwnershipChanged are written to the outbox) one by one at the same concurrency.
/// </summary>
public sealed class RegistrationFilings : IScenario
{
    private const int Branches = 4;
    private const int PerBranch = 500;

    public string Name => "registration-filings";

    public string Description => "Registration FileCustomer (new identities) then ApproveFiling at N callers";

    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var load = new RegistrationLoad(context, PerBranch, Branches);
        await load.ImportOrganisationAsync(cancellationToken);
        var tokens = Enumerable.Range(0, Branches * PerBranch)
            .Select(n => load.As(load.Salesperson(n % Branches, n / Branches), Roles.Salesperson, n % Branches))
            .ToArray();
        var secretaries = Enumerable.Range(0, Branches).Select(b => load.As($"LSEC{b}-{load.Suffix}", Roles.BranchSecretary, b)).ToArray();
        var today = (await new CustomerProtection.Platform.V1.Clock.ClockClient(context.Channel("registration"))
            .GetTimeAsync(new CustomerProtection.Platform.V1.GetTimeRequest(), load.Hq, cancellationToken: cancellationToken)).Today;
        var filed = new ConcurrentQueue<(string Id, int Branch)>();
        var random = new ThreadLocal<Random>(() => new Random(Guid.NewGuid().GetHashCode()));

        var filing = await LoadRunner.RunAsync("file-customer", context.Concurrency, context.Duration, async (_, n) =>
        {
            var who = (int)(n % tokens.Length);
            var view = await load.Customers.FileCustomerAsync(new FileCustomerRequest
            {
                TaxpayerId = RegistrationLoad.TaxpayerId(random.Value!),
                InvoiceTitle = RegistrationLoad.Title(random.Value!),
                CustomerClass = CustomerClass.Potential,
                DeclaredAnnualSales = "200000",
                Contact = new Contact { Name = "王经理", Phone = "13812345678", Email = "wang@example.com" },
                EvidenceKind = FilingEvidenceKind.Visit,
                EvidenceDate = today,
                Evidence = "拜访纪要",
            }, tokens[who], cancellationToken: cancellationToken);
            filed.Enqueue((view.CustomerId, who % Branches));
        }, cancellationToken, context.Warmup, context.Rate);
        await context.Output.WriteLineAsync(filing.ToString());

        var approval = await RegistrationLoad.RunAllAsync("approve-filing", [.. filed], context.Concurrency, async next =>
            await load.Customers.ApproveFilingAsync(new ApproveFilingRequest { CustomerId = next.Id }, secretaries[next.Branch], cancellationToken: cancellationToken),
            cancellationToken);
        await context.Output.WriteLineAsync(approval.ToString());
    }
}
