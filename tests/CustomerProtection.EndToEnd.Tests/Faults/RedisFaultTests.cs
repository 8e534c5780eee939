using System.Diagnostics;
using Grpc.Core;
using Xunit.Abstractions;

namespace CustomerProtection.EndToEnd.Tests.Faults;

/// <summary>
/// Issue 19: Redis — the system of record — dies (<c>kill -9</c> of the redis-server the AppHost started) while
/// filings (with their approvals and encroachment cases), sales and complaints are being made, and comes back with
/// the same command line (same port, same data folder: AOF with appendfsync always), three times in a row. Each
/// time, without restarting any service: every service answers again within seconds, every outbox drains, /health
/// is Healthy again (the background loops recovered). Afterwards: every acknowledged write is there and every event
/// was applied once.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class RedisFaultTests(FaultSystemFixture system, ITestOutputHelper output)
{
    private const int Cycles = 3;

    /// <summary>"Within seconds" on the busy 2-core machine: the clients reconnect with a backoff of their own.</summary>
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Killing_redis_under_load_three_times_loses_no_acknowledged_write_and_every_service_recovers_without_a_restart()
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(7));
        var ct = budget.Token;
        var watch = Stopwatch.StartNew();
        await using var scenario = await FaultScenario.StartAsync(system, output, ct);
        var probe = scenario.Probe;
        var redis = Dependency.Redis(system.App);
        var services = probe.ServiceProcesses();
        scenario.Log($"services: {string.Join(", ", services.Select(s => $"{s.Service}={s.Pid}"))}");

        for (var cycle = 1; cycle <= Cycles; cycle++)
        {
            var customers = await scenario.ProtectedCustomersAsync(cycle, 4);
            var loadStarted = DateTimeOffset.UtcNow;
            await using (var load = FaultLoad.Start(scenario, cycle, customers))
            {
                await load.WaitForAsync(c => c.Acknowledged, 20, loadStarted, TimeSpan.FromSeconds(60), "20 acknowledged calls before the kill", ct);

                var killed = await redis.KillAsync(ct);
                scenario.Log($"cycle {cycle}: killed redis-server {killed.KilledPid} ({killed.CommandLine})");
                // The outage reaches the callers before Redis comes back: the load ran into it.
                await load.WaitForAsync(c => !c.Acknowledged, 1, killed.KilledAt, TimeSpan.FromSeconds(30), "a call failing while Redis is down", ct);
                var down = await probe.WaitNoneHealthyAsync(TimeSpan.FromSeconds(45), ct);
                scenario.Log($"cycle {cycle}: /health while redis is down: {string.Join(", ", down.Select(d => $"{d.Key}={d.Value}"))}");

                var back = await redis.StartAgainAsync(killed, ct);
                scenario.Log($"cycle {cycle}: redis healthy again {(back - killed.KilledAt).TotalSeconds:0.0} s after the kill");

                var answers = await scenario.WaitEveryServiceAnswersAsync(customers[0], back, TimeSpan.FromSeconds(90), ct);
                scenario.Log($"cycle {cycle}: answering again after redis's return: {string.Join(", ", answers.Select(a => $"{a.Key} {a.Value.TotalSeconds:0.0} s"))}");
                Assert.All(answers, a => Assert.True(a.Value <= AnswerWithin, $"{a.Key} answered {a.Value.TotalSeconds:0.0} s after redis's return"));

                // Writes go through again, every kind of them.
                foreach (var kind in new[] { LoadRecord.Kinds.File, LoadRecord.Kinds.Encroachment, LoadRecord.Kinds.Sale, LoadRecord.Kinds.Complaint })
                {
                    await load.WaitForAsync(c => c.Acknowledged && c.Kind == kind, 3, back, TimeSpan.FromSeconds(60), $"3 acknowledged {kind} after redis's return", ct);
                }

                await load.StopAsync();
                scenario.Log($"cycle {cycle}: {scenario.Record.Summary(loadStarted)}");
            }

            probe.AssertSameProcesses(services);
            var drained = await probe.WaitOutboxesEmptyAsync(TimeSpan.FromSeconds(90), ct);
            var healthy = await probe.WaitHealthyAsync(TimeSpan.FromSeconds(90), ct);
            scenario.Log($"cycle {cycle}: outboxes empty after {drained.TotalSeconds:0.0} s, every /health Healthy after {healthy.TotalSeconds:0.0} s more; " +
                $"calls so far {scenario.Record.Calls.Count}, failed {scenario.Record.Failures.Count()}");
        }

        await scenario.VerifyAsync(ct);
        probe.AssertSameProcesses(services);
        await probe.WaitOutboxesEmptyAsync(TimeSpan.FromSeconds(60), ct);
        await probe.WaitHealthyAsync(TimeSpan.FromSeconds(60), ct);

        // Redis gone reaches a caller as Unavailable (safe to retry), never as an unknown error.
        var failures = scenario.Record.Failures.ToList();
        var byCode = failures.GroupBy(f => f.Code).ToDictionary(g => g.Key, g => g.Count());
        scenario.Log($"{scenario.Record.Calls.Count} calls, failures by code: {string.Join(", ", byCode.Select(c => $"{c.Key}={c.Value}"))}; took {watch.Elapsed.TotalSeconds:0} s");
        var others = failures.Where(f => f.Code != StatusCode.Unavailable).Take(10).ToList();
        if (others.Count > 0)
        {
            // What the handlers threw: the services' logs name the exception the caller saw only as its code.
            foreach (var service in SystemFixture.Services)
            {
                scenario.Log($"{service}:\n{await system.LogLinesAfterAsync(service, "Error when executing service method")}");
            }
        }

        Assert.True(others.Count == 0, $"failures other than Unavailable: {string.Join("; ", others)}");
    }
}
