using CustomerProtection.Registration.V1;
using CustomerProtection.ServiceDefaults.Security;

namespace CustomerProtection.LoadGen.Scenarios;

/// <summary>
/// Redis memory per customer (issue 4: &lt; 2 KB with 5 progress records): INFO memory before and
/// after --count customers imported with a contact, approved (history, indexes, due-queue entry) and
/// given 5 progress records each, once the outbox has been relayed (its entries are transient).
/// </summary>
public sealed class RegistrationMemory : IScenario
{
    private const int Branches = 2;
    private const int PerBranch = 100;

    public string Name => "registration-memory";

    public string Description => "Redis used_memory per customer with 5 progress records (needs ConnectionStrings__redis)";

    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var db = RegistrationLoad.Redis();
        var load = new RegistrationLoad(context, PerBranch, Branches);
        await load.ImportOrganisationAsync(cancellationToken);
        await RegistrationLoad.WaitForOutboxAsync(db, context.Output, cancellationToken);
        var before = RegistrationLoad.UsedMemory(db);

        var random = new Random();
        var today = (await new CustomerProtection.Platform.V1.Clock.ClockClient(context.Channel("registration"))
            .GetTimeAsync(new CustomerProtection.Platform.V1.GetTimeRequest(), load.Hq, cancellationToken: cancellationToken)).Today;
        var owned = new List<(string CustomerId, int Branch, string Owner)>();
        for (var b = 0; b < Branches; b++)
        {
            var rows = Enumerable.Range(0, context.Count / Branches).Select(i => (Owner: load.Salesperson(b, i % PerBranch), Id: RegistrationLoad.TaxpayerId(random), Title: RegistrationLoad.Title(random))).ToList();
            foreach (var chunk in rows.Chunk(10_000))
            {
                var report = await load.ImportAsync(b, chunk.Select(r => RegistrationLoad.Row(r.Id, r.Title, r.Owner)), cancellationToken);
                owned.AddRange(report.Results.Where(r => r.Outcome == "filed").Select(r => (r.CustomerId, b, chunk[r.Row - 1].Owner)));
            }
        }

        var kinds = new[] { "call", "email", "visit", "trial", "quote" };
        var records = owned.SelectMany(o => kinds.Select(kind => (o.CustomerId, o.Branch, o.Owner, Kind: kind))).ToList();
        var progress = await RegistrationLoad.RunAllAsync("record-progress", records, context.Concurrency, async r =>
            await load.Customers.RecordProgressAsync(new RecordProgressRequest
            {
                CustomerId = r.CustomerId,
                Kind = r.Kind,
                On = today,
                Note = "电话沟通采购计划，客户确认下月试用",
                Evidence = "DOC-" + r.CustomerId + "-" + r.Kind,
            }, load.As(r.Owner, Roles.Salesperson, r.Branch), cancellationToken: cancellationToken), cancellationToken);
        await context.Output.WriteLineAsync(progress.ToString());

        await RegistrationLoad.WaitForOutboxAsync(db, context.Output, cancellationToken);
        var after = RegistrationLoad.UsedMemory(db);
        await context.Output.WriteLineAsync($"customers: {owned.Count}; used_memory {before:N0} → {after:N0} bytes: {(after - before) / (double)owned.Count:F0} bytes per customer with 5 progress records");

        var sample = owned[0].CustomerId;
        foreach (var key in new[] { $"cp:registration:customer:{{{sample}}}", $"cp:registration:customer:{{{sample}}}:contact", $"cp:registration:customer:{{{sample}}}:history", $"cp:registration:customer:{{{sample}}}:progress" })
        {
            var usage = await db.ExecuteAsync("MEMORY", "USAGE", key);
            await context.Output.WriteLineAsync($"  MEMORY USAGE {key}: {usage} bytes");
        }
    }
}
