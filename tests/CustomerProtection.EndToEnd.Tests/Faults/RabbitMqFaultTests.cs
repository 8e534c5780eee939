using System.Diagnostics;
using Xunit.Abstractions;

namespace CustomerProtection.EndToEnd.Tests.Faults;

/// <summary>
/// Issue 19: RabbitMQ dies (<c>kill -9</c> of the Erlang VM of the broker the AppHost started: unacknowledged
/// deliveries, unconfirmed publishes) while filings (with their approvals and encroachment cases), sales and
/// complaints are being made, and comes back with the same command line, environment and database folder, three
/// times in a row. A broker outage delays events and never blocks a gRPC write (docs/design.md): every call is
/// acknowledged, during the outage too, while the events wait in the outboxes. After each return, without
/// restarting any service: every outbox drains, /health is Healthy again. Afterwards: every acknowledged write is
/// there and every event was applied once.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class RabbitMqFaultTests(FaultSystemFixture system, ITestOutputHelper output)
{
    private const int Cycles = 3;

    /// <summary>"Within seconds" on the busy 2-core machine: the services' buses reconnect with a backoff of their own.</summary>
    private static readonly TimeSpan DrainedWithin = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Killing_rabbitmq_under_load_three_times_blocks_no_write_loses_no_event_and_applies_none_twice()
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(7));
        var ct = budget.Token;
        var watch = Stopwatch.StartNew();
        await using var scenario = await FaultScenario.StartAsync(system, output, ct);
        var probe = scenario.Probe;
        var rabbit = Dependency.RabbitMq(system.App);
        var services = probe.ServiceProcesses();
        scenario.Log($"services: {string.Join(", ", services.Select(s => $"{s.Service}={s.Pid}"))}");

        for (var cycle = 1; cycle <= Cycles; cycle++)
        {
            var customers = await scenario.ProtectedCustomersAsync(cycle, 4);
            var loadStarted = DateTimeOffset.UtcNow;
            await using (var load = FaultLoad.Start(scenario, cycle, customers))
            {
                await load.WaitForAsync(c => c.Acknowledged, 20, loadStarted, TimeSpan.FromSeconds(60), "20 acknowledged calls before the kill", ct);

                var killed = await rabbit.KillAsync(ct);
                scenario.Log($"cycle {cycle}: killed beam.smp {killed.KilledPid} under {killed.LauncherPid} ({killed.CommandLine})");

                // While the broker is down every kind of write is acknowledged, and Territory's events wait in its outbox.
                foreach (var kind in new[] { LoadRecord.Kinds.File, LoadRecord.Kinds.Approve, LoadRecord.Kinds.Encroachment, LoadRecord.Kinds.Sale, LoadRecord.Kinds.Complaint })
                {
                    await load.WaitForAsync(c => c.Acknowledged && c.Kind == kind, 3, killed.GoneAt, TimeSpan.FromSeconds(60), $"3 acknowledged {kind} while the broker is down", ct);
                }

                var down = await probe.WaitNoneHealthyAsync(TimeSpan.FromSeconds(45), ct);
                scenario.Log($"cycle {cycle}: /health while the broker is down: {string.Join(", ", down.Select(d => $"{d.Key}={d.Value}"))}");
                var held = await probe.OutboxLengthAsync(ResourceNames.Territory);
                scenario.Log($"cycle {cycle}: {held} events held in {SystemProbe.OutboxKey(ResourceNames.Territory)} while the broker is down");
                Assert.True(held > 0, "sales acknowledged while the broker is down left no event in Territory's outbox");

                var back = await rabbit.StartAgainAsync(killed, ct);
                scenario.Log($"cycle {cycle}: rabbitmq healthy again {(back - killed.KilledAt).TotalSeconds:0.0} s after the kill");
                var duringOutage = scenario.Record.Calls.Where(c => c.Within(killed.GoneAt, back)).ToList();
                scenario.Log($"cycle {cycle}: {duringOutage.Count(c => c.Acknowledged)} of {duringOutage.Count} calls made during the outage acknowledged");

                var answers = await scenario.WaitEveryServiceAnswersAsync(customers[0], back, TimeSpan.FromSeconds(30), ct);
                scenario.Log($"cycle {cycle}: answering after the broker's return: {string.Join(", ", answers.Select(a => $"{a.Key} {a.Value.TotalSeconds:0.0} s"))}");
                // The events held during the outage are published (the relays' buses reconnected): every outbox empties.
                await probe.WaitOutboxesEmptyAsync(TimeSpan.FromSeconds(90), ct);
                var drained = DateTimeOffset.UtcNow - back;
                scenario.Log($"cycle {cycle}: outboxes empty {drained.TotalSeconds:0.0} s after the broker's return");
                Assert.True(drained <= DrainedWithin, $"outboxes drained {drained.TotalSeconds:0.0} s after the broker's return");
                await load.WaitForAsync(c => c.Acknowledged && c.Kind == LoadRecord.Kinds.Sale, 3, back, TimeSpan.FromSeconds(60), "3 acknowledged sales after the broker's return", ct);
                await load.StopAsync();
                scenario.Log($"cycle {cycle}: {scenario.Record.Summary(loadStarted)}");
            }

            probe.AssertSameProcesses(services);
            await probe.WaitOutboxesEmptyAsync(TimeSpan.FromSeconds(90), ct);
            var healthy = await probe.WaitHealthyAsync(TimeSpan.FromSeconds(90), ct);
            scenario.Log($"cycle {cycle}: every /health Healthy {healthy.TotalSeconds:0.0} s after the load stopped; calls so far {scenario.Record.Calls.Count}");
        }

        await scenario.VerifyAsync(ct);
        probe.AssertSameProcesses(services);
        await probe.WaitOutboxesEmptyAsync(TimeSpan.FromSeconds(60), ct);
        await probe.WaitHealthyAsync(TimeSpan.FromSeconds(60), ct);

        // The broker was never needed to answer a call.
        var failures = scenario.Record.Failures.ToList();
        scenario.Log($"{scenario.Record.Calls.Count} calls, {failures.Count} failed; took {watch.Elapsed.TotalSeconds:0} s");
        Assert.True(failures.Count == 0, $"calls failed while only the broker was down: {string.Join("; ", failures.Take(10))}");
    }
}
