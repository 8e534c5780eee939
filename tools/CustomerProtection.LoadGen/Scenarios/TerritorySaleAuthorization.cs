using CustomerProtection.Protos;
using System.Text;
using CustomerProtection.Registration.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Grpc.Core;

namespace CustomerProtection.LoadGen.Scenarios;

/// <summary>
/// Territory's sale authorisation under load (issue 5: at least 5,000/s with p99 under 25 ms at 64
/// callers, Registration included). Prepares an organisation (two regions, 64 salespeople), files
/// and approves --count/100 customers (at least 50) in Registration spread over the salespeople, an
/// asking price in the second region and one approved cross-region filing; then every call asks
/// "may salesperson i sell P1 to customer j at price p in region r": a mix of allowed, needs
/// approval (P-4.1, P-4.2) and forbidden (P-3.6). Each call makes Territory ask Registration's
/// Ownership service, with the caller's token. Targets: territory and registration (grpc endpoints).
/// </summary>
public sealed class TerritorySaleAuthorization : IScenario
{
    private const int Salespeople = 64;

    public string Name => "territory-sale-authorization";

    public string Description => "Territory AuthorizeSale (with Registration's GetOwnership) at N callers";

    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var s = Guid.NewGuid().ToString("N")[..6];
        var hq = Bearer(context.Token("LOAD-HQ", Roles.Hq, null, null));
        var territory = context.Channel("territory");
        var registration = context.Channel("registration");
        var east = $"LR-E-{s}";
        var west = $"LR-W-{s}";
        var branch = $"LB-{s}";
        var people = Enumerable.Range(0, Salespeople).Select(i => $"LS{s}-{i}").ToArray();

        var employees = string.Join(",", people.Select(p => $$"""{"id":"{{p}}","name":"销售{{p}}","role":"salesperson","branch_id":"{{branch}}"}"""));
        var json = $$"""
            {"regions":[{"id":"{{east}}","name":"压测东区"},{"id":"{{west}}","name":"压测西区"}],
             "branches":[{"id":"{{branch}}","region_id":"{{east}}","name":"压测分公司","kind":"branch"}],
             "employees":[{{employees}},{"id":"LSEC-{{s}}","name":"秘书","role":"branch_secretary","branch_id":"{{branch}}"},
                          {"id":"LRS-{{s}}","name":"西区秘书","role":"regional_secretary","region_id":"{{west}}"}]}
            """;
        await new OrganizationDirectory.OrganizationDirectoryClient(territory).ImportOrganizationAsync(
            new ImportOrganizationRequest { Format = ImportFormat.Json, Content = Google.Protobuf.ByteString.CopyFrom(json, Encoding.UTF8) }, hq, cancellationToken: cancellationToken);
        await new Pricing.PricingClient(territory).SetAskingPriceAsync(new SetAskingPriceRequest { RegionId = west, ProductCode = "P1", Price = "120.00" }, hq, cancellationToken: cancellationToken);

        var seller = people.Select(p => Bearer(context.Token(p, Roles.Salesperson, branch, east))).ToArray();
        var secretary = Bearer(context.Token("LSEC-" + s, Roles.BranchSecretary, branch, east));
        var today = (await new CustomerProtection.Platform.V1.Clock.ClockClient(registration).GetTimeAsync(new(), hq, cancellationToken: cancellationToken)).Today;
        var customers = await FileCustomersAsync(new Customers.CustomersClient(registration), seller, secretary, s, today, Math.Max(50, context.Count / 100), context.Output, cancellationToken);

        // One approved cross-region request: salesperson 0 may sell customer 0 in the west.
        var crossRegion = new CrossRegionRequests.CrossRegionRequestsClient(territory);
        var request = await crossRegion.CreateCrossRegionRequestAsync(new CreateCrossRegionRequestRequest { RequestId = $"LF-{s}", TargetRegionId = west, Customer = new CustomerProtection.Territory.V1.CustomerRef { InvoiceTitle = customers[0] } },
            seller[0], cancellationToken: cancellationToken);
        await crossRegion.AnswerCrossRegionRequestAsync(new AnswerCrossRegionRequestRequest { CrossRegionRequestId = request.Id, Confirm = true },
            Bearer(context.Token("LRS-" + s, Roles.RegionalSecretary, null, west)), cancellationToken: cancellationToken);
        await crossRegion.DecideCrossRegionRequestAsync(new DecideCrossRegionRequestRequest { CrossRegionRequestId = request.Id, Approve = true }, hq, cancellationToken: cancellationToken); // P-4.1: hq approves after the secretary

        var ledger = new SalesLedger.SalesLedgerClient(territory);
        var decisions = new long[4];
        var result = await LoadRunner.RunAsync(Name, context.Concurrency, context.Duration, async (caller, n) =>
        {
            // Half the calls ask about the caller's own customer (customer j was filed by salesperson j mod 64), half about a colleague's.
            var j = (int)((n / 2) % customers.Count);
            var who = (j + (int)(n % 2)) % Salespeople;
            var answer = await ledger.AuthorizeSaleAsync(new AuthorizeSaleRequest
            {
                Customer = new CustomerProtection.Territory.V1.CustomerRef { InvoiceTitle = customers[j] },
                ProductCode = "P1",
                UnitPrice = n % 3 == 0 ? "119.99" : "120.00",
                RegionId = n % 4 == 0 ? west : east,
            }, seller[who], cancellationToken: cancellationToken);
            Interlocked.Increment(ref decisions[(int)answer.Decision]);
        }, cancellationToken, context.Warmup, context.Rate);
        await context.Output.WriteLineAsync(result.ToString());
        await context.Output.WriteLineAsync($"decisions: allowed {decisions[1]}, needs approval {decisions[2]}, forbidden {decisions[3]}");
    }

    /// <summary>Customers filed by the salespeople in turn and approved by the branch secretary (P-2.1).</summary>
    private static async Task<List<string>> FileCustomersAsync(Customers.CustomersClient client, Metadata[] sellers, Metadata secretary, string s, Google.Type.Date today, int count, TextWriter output, CancellationToken cancellationToken)
    {
        var titles = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var title = $"压测{s}客户{i:D5}号有限公司";
            var filed = await RetryUntilReplicatedAsync(() => client.FileCustomerAsync(new FileCustomerRequest
            {
                InvoiceTitle = title,
                CustomerClass = CustomerClass.Ordinary,
                DeclaredAnnualSales = "100000",
                EvidenceKind = FilingEvidenceKind.Visit,
                EvidenceDate = today,
                Evidence = "load test",
            }, sellers[i % sellers.Length], cancellationToken: cancellationToken).ResponseAsync, cancellationToken);
            if (filed.Status != CustomerStatus.Protected)
            {
                await client.ApproveFilingAsync(new CustomerProtection.Registration.V1.ApproveFilingRequest { CustomerId = filed.CustomerId }, secretary, cancellationToken: cancellationToken);
            }

            titles.Add(title);
        }

        await output.WriteLineAsync($"prepared {count} protected customers");
        return titles;
    }

    /// <summary>Registration copies the organisation from Territory's events: the first filings may come before the copy.</summary>
    private static async Task<T> RetryUntilReplicatedAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition && attempt < 100)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    private static Metadata Bearer(string token) => new() { { "Authorization", "Bearer " + token } };
}
