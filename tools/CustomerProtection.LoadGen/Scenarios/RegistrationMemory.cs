using CustomerProtection.Protos;
using CustomerProtection.Registration.V1;
using System.Text.RegularExpressions;
using CustomerProtection.Policy.Actors;
using StackExchange.Redis;

namespace CustomerProtection.LoadGen.Scenarios;

/// <summary>
/// Redis memory per customer (issue 4: &lt; 2 KB with a contact, 2 history entries and 5 progress
/// records): INFO memory before and after --count customers filed with a contact by salespeople and
/// approved by their secretaries (history: filed, approved; indexes, due-queue entry, and the
/// announcement while its objection window is open), given 5 progress records each, once the outbox
/// has been relayed (its entries are transient).
/// </summary>
public sealed partial class RegistrationMemory : IScenario
{
    private const int Branches = 2;
    private const int PerBranch = 100;

    public string Name => "registration-memory";

    public string Description => "Redis used_memory per filed and approved customer with 5 progress records (needs ConnectionStrings__redis)";

    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var db = RegistrationLoad.Redis();
        var load = new RegistrationLoad(context, PerBranch, Branches);
        await load.ImportOrganisationAsync(cancellationToken);
        await RegistrationLoad.WaitForOutboxAsync(db, context.Output, cancellationToken);
        var before = RegistrationLoad.UsedMemory(db);

        var random = Random.Shared;
        var today = (await new CustomerProtection.Platform.V1.Clock.ClockClient(context.Channel("registration"))
            .GetTimeAsync(new CustomerProtection.Platform.V1.GetTimeRequest(), load.Hq, cancellationToken: cancellationToken)).Today;
        var rows = Enumerable.Range(0, context.Count).Select(i => (Branch: i % Branches, Owner: load.Salesperson(i % Branches, i / Branches % PerBranch))).ToList();
        var owned = new System.Collections.Concurrent.ConcurrentBag<(string CustomerId, int Branch, string Owner)>();
        var filings = await RegistrationLoad.RunAllAsync("file-and-approve", rows, context.Concurrency, async r =>
        {
            var filed = await load.Customers.FileCustomerAsync(new FileCustomerRequest
            {
                TaxpayerId = RegistrationLoad.TaxpayerId(random),
                InvoiceTitle = RegistrationLoad.Title(random),
                CustomerClass = CustomerClass.Potential,
                DeclaredAnnualSales = "100000",
                Contact = new Contact { Name = "王经理", Phone = "13812345678", Email = "wang@example.com", Address = "上海市浦东新区张江路 1 号" },
                EvidenceKind = FilingEvidenceKind.Visit,
                EvidenceDate = today,
                Evidence = "拜访纪要 " + today.ToIso(),
            }, load.As(r.Owner, Roles.Salesperson, r.Branch), cancellationToken: cancellationToken);
            await load.Customers.ApproveFilingAsync(new ApproveFilingRequest { CustomerId = filed.CustomerId },
                load.As($"LSEC{r.Branch}-{load.Suffix}", Roles.BranchSecretary, r.Branch), cancellationToken: cancellationToken);
            owned.Add((filed.CustomerId, r.Branch, r.Owner));
        }, cancellationToken);
        await context.Output.WriteLineAsync(filings.ToString());

        var kinds = new[] { ProgressKind.Call, ProgressKind.Email, ProgressKind.Visit, ProgressKind.Trial, ProgressKind.Quote };
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
        await context.Output.WriteLineAsync($"customers: {owned.Count}; used_memory {before:N0} → {after:N0} bytes: {(after - before) / (double)owned.Count:F0} bytes per customer (contact, 2 history entries, 5 progress records)");
        long announcements = 0;
        for (var b = 0; b < Branches; b++)
        {
            announcements += (long)await db.ExecuteAsync("MEMORY", "USAGE", $"cp:{{registration}}:branch:{{{load.Branch(b)}}}:announcements");
        }

        await context.Output.WriteLineAsync($"  of which {announcements / (double)owned.Count:F0} bytes per customer are the open announcements (P-2.2): lists skip them once the objection window has closed, and the customer's next change removes them");

        await WriteBreakdownAsync(db, owned.Count, context.Output);
    }

    /// <summary>
    /// What the bytes are: MEMORY USAGE of every key, summed by key shape (the hash tag and digits
    /// replaced by *), per customer, largest first. Keys that existed before the run (the organisation)
    /// are included, so small shapes are approximate; the total above is the measure.
    /// </summary>
    private static async Task WriteBreakdownAsync(IDatabase db, int customers, TextWriter output)
    {
        var server = db.Multiplexer.GetServers()[0];
        var byShape = new Dictionary<string, (long Bytes, int Keys)>(StringComparer.Ordinal);
        await foreach (var key in server.KeysAsync(pattern: "cp:{registration}:*", pageSize: 1000))
        {
            var usage = (long)await db.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0");
            var shape = Shape().Replace(Tag().Replace(key.ToString(), "{*}"), "*");
            var (bytes, keys) = byShape.GetValueOrDefault(shape);
            byShape[shape] = (bytes + usage, keys + 1);
        }

        foreach (var (shape, (bytes, keys)) in byShape.OrderByDescending(s => s.Value.Bytes).Take(12))
        {
            await output.WriteLineAsync($"  {bytes / (double)customers,7:F0} B/customer  {keys,7:N0} keys  {shape}");
        }
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Shape();
}
