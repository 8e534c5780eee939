using CustomerProtection.Registration.V1;

namespace CustomerProtection.LoadGen.Scenarios;

/// <summary>
/// Duplicate checks (issue 4: ≥ 8,000/s, p99 &lt; 25 ms at 64 callers, X-4): --count customers are
/// imported first, then the callers ask by taxpayer id (half of the calls: an exact look-up)
/// or by invoice title (an exact title or a near-duplicate variant: the near-duplicate search runs).
/// </summary>
public sealed class RegistrationDuplicateChecks : IScenario
{
    private const int Branches = 4;
    private const int PerBranch = 250;

    public string Name => "registration-duplicate-checks";

    public string Description => "Registration CheckDuplicate by taxpayer id and by title (near-duplicates) over --count customers";

    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var load = new RegistrationLoad(context, PerBranch, Branches);
        await load.ImportOrganisationAsync(cancellationToken);
        var random = new Random();
        var customers = Enumerable.Range(0, context.Count).Select(_ => (Id: RegistrationLoad.TaxpayerId(random), Title: RegistrationLoad.Title(random))).ToList();

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var perBranch = customers.Chunk((customers.Count + Branches - 1) / Branches).ToList();
        var filed = 0;
        for (var b = 0; b < perBranch.Count; b++)
        {
            foreach (var chunk in perBranch[b].Chunk(10_000))
            {
                var report = await load.ImportAsync(b, chunk.Select((c, i) => RegistrationLoad.Row(c.Id, c.Title, load.Salesperson(b, i % PerBranch))), cancellationToken);
                filed += report.Filed;
            }
        }

        await context.Output.WriteLineAsync($"imported {filed} of {customers.Count} customers in {watch.Elapsed.TotalSeconds:F1} s ({filed / watch.Elapsed.TotalSeconds:F0} rows/s)");

        var asker = load.As(load.Salesperson(0, 0), CustomerProtection.Policy.Actors.Roles.Salesperson, 0);
        var result = await LoadRunner.RunAsync("check-duplicate", context.Concurrency, context.Duration, async (_, n) =>
        {
            var c = customers[(int)(n * 7919 % customers.Count)];
            var request = (n % 4) switch
            {
                0 or 1 => new CheckDuplicateRequest { TaxpayerId = c.Id },
                2 => new CheckDuplicateRequest { InvoiceTitle = c.Title },
                _ => new CheckDuplicateRequest { InvoiceTitle = c.Title.Insert(2, "市") },
            };
            await load.Customers.CheckDuplicateAsync(request, asker, cancellationToken: cancellationToken);
        }, cancellationToken, context.Warmup);
        await context.Output.WriteLineAsync(result.ToString());

        var exact = await LoadRunner.RunAsync("check-duplicate-taxpayer-id-only", context.Concurrency, context.Duration, async (_, n) =>
            await load.Customers.CheckDuplicateAsync(new CheckDuplicateRequest { TaxpayerId = customers[(int)(n * 7919 % customers.Count)].Id }, asker, cancellationToken: cancellationToken),
            cancellationToken, rate: context.Rate);
        await context.Output.WriteLineAsync(exact.ToString());
    }
}
