using CustomerProtection.Protos;
using System.Diagnostics;
using System.Globalization;
using CustomerProtection.Platform.V1;
using NodaTime;

namespace CustomerProtection.LoadGen.Scenarios;

/// <summary>
/// Lapsing --count customers whose periods end on the same day (issue 4: 100,000 in &lt; 60 s end to
/// end, P-3.5). They are imported as approved on the same day, then the shared clock (the dev
/// profile's controllable clock) is moved past their last day and the time is taken until the
/// due-queue has lapsed every one of them (each lapse: the customer, its indexes, its history and
/// ProtectionLapsed + OwnershipChanged in one atomic step, i.e. recorded for publication), and until
/// the relay has had RabbitMQ confirm every one of those events (end to end). The import's own events
/// are let drain first, for at most --seconds; so is the publishing of the lapses, and when that is
/// not enough the relay's rate is reported with the time it needs.
/// </summary>
public sealed class RegistrationLapse : IScenario
{
    private const int Branches = 1;
    private const int PerBranch = 1_000;

    public string Name => "registration-lapse";

    public string Description => "P-3.5: --count same-day lapses after moving the shared clock (needs ConnectionStrings__redis)";

    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var db = RegistrationLoad.Redis();
        var load = new RegistrationLoad(context, PerBranch, Branches);
        await load.ImportOrganisationAsync(cancellationToken);
        var clock = new Clock.ClockClient(context.Channel("registration"));
        var today = LocalDate.FromDateOnly((await clock.GetTimeAsync(new GetTimeRequest(), load.Hq, cancellationToken: cancellationToken)).Today.ToDateOnly());
        var approvedOn = today.PlusDays(-20).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var watch = Stopwatch.StartNew();
        var random = new Random();
        Google.Type.Date? lastDay = null;
        var filed = 0;
        foreach (var chunk in Enumerable.Range(0, context.Count).Chunk(10_000))
        {
            var report = await load.ImportAsync(0, chunk.Select(i => RegistrationLoad.Row(RegistrationLoad.TaxpayerId(random), RegistrationLoad.Title(random), load.Salesperson(0, i % PerBranch), approvedOn)), cancellationToken);
            filed += report.Filed;
            if (lastDay is null && report.Results.FirstOrDefault(r => r.Outcome == CustomerProtection.Registration.V1.ImportOutcome.Filed) is { } first)
            {
                lastDay = (await load.Customers.GetCustomerAsync(new CustomerProtection.Registration.V1.GetCustomerRequest { CustomerId = first.CustomerId }, load.Hq, cancellationToken: cancellationToken)).LastProtectedDay;
            }
        }

        await context.Output.WriteLineAsync($"imported {filed} customers approved on {approvedOn} (last day {lastDay.ToIso()}) in {watch.Elapsed.TotalSeconds:F1} s ({filed / watch.Elapsed.TotalSeconds:F0} rows/s)");
        await RegistrationLoad.WaitForOutboxAsync(db, context.Output, cancellationToken, context.Duration);

        var end = LocalDate.FromDateOnly(lastDay!.ToDateOnly()).PlusDays(1)
            .AtStartOfDayInZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).ToDateTimeOffset();
        var now = (await clock.GetTimeAsync(new GetTimeRequest(), load.Hq, cancellationToken: cancellationToken)).Now.ToDateTimeOffset();
        var pool = $"cp:{{registration}}:branch:{{{load.Branch(0)}}}:pool";
        watch.Restart();
        await clock.AdvanceAsync(new AdvanceRequest { By = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(end - now + TimeSpan.FromMinutes(1)) }, load.Hq, cancellationToken: cancellationToken);

        long lapsed;
        var lastReport = TimeSpan.Zero;
        while ((lapsed = await db.SortedSetLengthAsync(pool)) < filed)
        {
            if (watch.Elapsed - lastReport > TimeSpan.FromSeconds(5))
            {
                lastReport = watch.Elapsed;
                await context.Output.WriteLineAsync($"  {watch.Elapsed.TotalSeconds:F0} s: {lapsed} lapsed, outbox {await db.StreamLengthAsync("cp:{registration}:outbox")}");
            }

            await Task.Delay(100, cancellationToken);
        }

        var stateDone = watch.Elapsed;
        await context.Output.WriteLineAsync($"{filed} same-day lapses written (state + history + outbox) {stateDone.TotalSeconds:F1} s after the clock moved ({filed / stateDone.TotalSeconds:F0}/s)");

        var backlog = await db.StreamLengthAsync("cp:{registration}:outbox");
        if (await RegistrationLoad.WaitForOutboxAsync(db, context.Output, cancellationToken, context.Duration))
        {
            await context.Output.WriteLineAsync($"end to end, every lapse event confirmed by RabbitMQ: {watch.Elapsed.TotalSeconds:F1} s after the clock moved");
            return;
        }

        var left = await db.StreamLengthAsync("cp:{registration}:outbox");
        var rate = (backlog - left) / context.Duration.TotalSeconds;
        await context.Output.WriteLineAsync($"relay: {rate:F0} events/s confirmed by RabbitMQ; the {left} still waiting need about {left / Math.Max(rate, 1):F0} s more");
    }
}
