using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using CustomerProtection.Contracts.Penalty;
using CustomerProtection.Contracts.Violations;
using CustomerProtection.Penalty.V1;
using CustomerProtection.ServiceDefaults.Security;
using Grpc.Core;
using MassTransit;

namespace CustomerProtection.LoadGen.Scenarios;

/// <summary>
/// Violation → proposed fine under load (issue 7: p99 under 1 s at 500 violations/s). Publishes
/// ViolationDetected to the system's RabbitMQ at a fixed rate (open loop: --count violations over
/// --seconds), every tenth one delivered twice as a broker may, and times each violation from its
/// publication to the PenaltyImposed of its fine arriving back on a queue of the scenario's own.
/// That span includes the Penalty service's outbox relay and a second broker hop, so it is an upper
/// bound of "the fine is recorded". Then checks a sample of the fines over gRPC and that no fine
/// was imposed twice. The broker's address comes from ConnectionStrings__messaging (amqp://, loopback).
/// </summary>
public sealed class PenaltyViolations : IScenario
{
    private const int Employees = 2_000;
    private const int Branches = 50;

    public string Name => "penalty-violations";

    public string Description => "ViolationDetected at --count/--seconds per second; violation → PenaltyImposed latency";

    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__messaging")
            ?? throw new InvalidOperationException("set ConnectionStrings__messaging=amqp://user:pass@127.0.0.1:port (the AppHost's messaging resource)");
        var broker = new Uri(connectionString);
        if (!(broker.Host == "localhost" || (IPAddress.TryParse(broker.Host, out var ip) && IPAddress.IsLoopback(ip))))
        {
            throw new InvalidOperationException($"{broker.Host}: load is sent to loopback addresses only");
        }

        var suffix = Guid.NewGuid().ToString("N")[..6];
        var total = context.Count;
        var rate = total / context.Duration.TotalSeconds;
        var sentAt = new ConcurrentDictionary<string, long>();
        var latencies = new ConcurrentBag<double>();
        var imposed = new ConcurrentDictionary<string, ConcurrentDictionary<Guid, byte>>();
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(broker);
            rabbit.ReceiveEndpoint($"loadgen-penalty-{suffix}", endpoint =>
            {
                endpoint.AutoDelete = true;
                endpoint.Durable = false;
                endpoint.PrefetchCount = 256;
                endpoint.Handler<PenaltyImposed>(message =>
                {
                    var fine = message.Message;
                    var ids = imposed.GetOrAdd(fine.FineId, _ => new());
                    if (ids.TryAdd(message.MessageId ?? Guid.Empty, 0) && ids.Count == 1 && sentAt.TryGetValue(fine.ViolationId, out var start))
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                        if (latencies.Count == total)
                        {
                            allArrived.TrySetResult();
                        }
                    }

                    return Task.CompletedTask;
                });
            });
        });
        await bus.StartAsync(cancellationToken);
        try
        {
            await context.Output.WriteLineAsync($"{Name}: {total} violations at {rate:F0}/s for {context.Duration.TotalSeconds:F0} s ({(total + 9) / 10} delivered twice)");
            var watch = Stopwatch.StartNew();
            var inFlight = new SemaphoreSlim(context.Concurrency * 4);
            var publishes = new List<Task>(total + (total / 10));
            var now = TimeProvider.System.GetUtcNow();
            for (var n = 0; n < total && !cancellationToken.IsCancellationRequested; n++)
            {
                // Open loop: the n-th violation leaves at n / rate seconds, whatever the system does.
                var due = TimeSpan.FromSeconds(n / rate);
                if (due > watch.Elapsed)
                {
                    await Task.Delay(due - watch.Elapsed, cancellationToken);
                }

                var violationId = $"LV{suffix}-{n}";
                var employee = n % Employees;
                var branch = employee % Branches;
                var detected = new ViolationDetected(violationId, "P-5", "poaching",
                    new ViolationParty($"LS{suffix}-{employee}", Roles.Salesperson, $"LB{suffix}-{branch}", $"LR{suffix}", $"LM{suffix}-{branch}"),
                    null, $"LC{suffix}-{n}", null, 100_000m + (n % 1_000) * 1_000m, "load test", "loadgen", now + watch.Elapsed);
                sentAt[violationId] = Stopwatch.GetTimestamp();
                publishes.Add(PublishAsync(bus, inFlight, detected, cancellationToken));
                if (n % 10 == 0)
                {
                    publishes.Add(PublishAsync(bus, inFlight, detected, cancellationToken));
                }
            }

            await Task.WhenAll(publishes);
            var sendSeconds = watch.Elapsed.TotalSeconds;
            await Task.WhenAny(allArrived.Task, Task.Delay(TimeSpan.FromSeconds(30), cancellationToken));
            var sorted = latencies.Order().ToArray();
            var result = new LoadResult(Name, context.Concurrency, sorted.Length, total - sorted.Length, watch.Elapsed, sorted);
            var doubled = imposed.Count(i => i.Value.Count > 1);
            await context.Output.WriteLineAsync(
                $"{Name}: published {total} (+{(total + 9) / 10} duplicates) in {sendSeconds:F1} s = {total / sendSeconds:F0}/s; " +
                $"fines observed {sorted.Length}, missing {total - sorted.Length}, imposed twice {doubled}; violation → PenaltyImposed " +
                $"p50 {result.Percentile(50):F0} ms, p95 {result.Percentile(95):F0} ms, p99 {result.Percentile(99):F0} ms, max {(sorted.Length == 0 ? double.NaN : sorted[^1]):F0} ms");

            if (context.Channels.ContainsKey("penalty"))
            {
                await CheckSampleAsync(context, suffix, total, cancellationToken);
            }
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }
    }

    private static async Task PublishAsync(IBus bus, SemaphoreSlim inFlight, ViolationDetected detected, CancellationToken cancellationToken)
    {
        await inFlight.WaitAsync(cancellationToken);
        try
        {
            await bus.Publish(detected, cancellationToken);
        }
        finally
        {
            inFlight.Release();
        }
    }

    /// <summary>Every hundredth violation's fine, read back over gRPC: one per violation, at the P-8.1 floor.</summary>
    private static async Task CheckSampleAsync(ScenarioContext context, string suffix, int total, CancellationToken cancellationToken)
    {
        var client = new Penalties.PenaltiesClient(context.Channel("penalty"));
        var hq = new Metadata { { "Authorization", "Bearer " + context.Token("LOAD-HQ", Roles.Hq, null, null) } };
        var found = 0;
        var wrong = 0;
        for (var n = 0; n < total; n += 100)
        {
            try
            {
                var fine = await client.GetFineAsync(new GetFineRequest { FineId = $"LV{suffix}-{n}.violator" }, hq, cancellationToken: cancellationToken);
                found++;
                wrong += fine.Amount == "5000" && fine.Status == FineStatus.Proposed ? 0 : 1;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                // Counted as missing below.
            }
        }

        await context.Output.WriteLineAsync($"penalty-violations: gRPC sample {found}/{(total + 99) / 100} fines found, {wrong} not as expected");
    }
}
