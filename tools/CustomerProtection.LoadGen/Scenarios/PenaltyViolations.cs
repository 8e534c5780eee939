using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using CustomerProtection.Contracts.Penalty;
using CustomerProtection.Contracts.Violations;
using CustomerProtection.Penalty.V1;
using CustomerProtection.Policy.Actors;
using Grpc.Core;
using MassTransit;

namespace CustomerProtection.LoadGen.Scenarios;

/// <summary>
/// Violation → proposed fine under load (issue 7: p99 under 1 s at 500 violations/s). Publishes
/// ViolationDetected to the system's RabbitMQ at a fixed rate (open loop: --count violations over
/// --seconds), every tenth one delivered twice as a broker may, and measures two spans from each
/// violation's publication:
/// - to its fine being readable over gRPC (GetFine, polled every 20 ms for its first second, then
///   every 250 ms, for every 25th violation, with --target penalty=...): the fine is proposed, the
///   issue's measure. Sampled so that the polling itself stays a small part of the load;
/// - to its PenaltyImposed arriving back on a queue of the scenario's own (every violation): this
///   adds the Penalty service's outbox relay and a second broker hop.
/// Then checks that every fine arrived once and none was imposed twice. The broker's address comes
/// from ConnectionStrings__messaging (amqp://, loopback).
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
            var inFlight = new SemaphoreSlim(context.Concurrency * 4);
            await WarmUpAsync(bus, inFlight, $"W{suffix}", (int)(rate * context.Warmup.TotalSeconds), rate, context.Output, cancellationToken);
            await context.Output.WriteLineAsync($"{Name}: {total} violations at {rate:F0}/s for {context.Duration.TotalSeconds:F0} s ({(total + 9) / 10} delivered twice)");
            var watch = Stopwatch.StartNew();
            var publishes = new List<Task>(total + (total / 10));
            var proposed = new ConcurrentBag<double>();
            var polls = new List<Task>(total / 25 + 1);
            var penalty = context.Channels.ContainsKey("penalty") ? new Penalties.PenaltiesClient(context.Channel("penalty")) : null;
            var hq = new Metadata { { "Authorization", "Bearer " + context.Token("LOAD-HQ", Roles.Hq, null, null) } };
            var now = TimeProvider.System.GetUtcNow();
            for (var n = 0; n < total && !cancellationToken.IsCancellationRequested; n++)
            {
                // Open loop: the n-th violation leaves at n / rate seconds, whatever the system does.
                await LoadRunner.UntilAsync(watch, TimeSpan.FromSeconds(n / rate), cancellationToken);

                var detected = Violation(suffix, n, now + watch.Elapsed);
                var violationId = detected.ViolationId;
                sentAt[violationId] = Stopwatch.GetTimestamp();
                publishes.Add(PublishAsync(bus, inFlight, detected, cancellationToken));
                if (n % 10 == 0)
                {
                    publishes.Add(PublishAsync(bus, inFlight, detected, cancellationToken));
                }

                if (n % 25 == 0 && penalty is not null)
                {
                    polls.Add(PollFineAsync(penalty, hq, violationId + ".violator", sentAt[violationId], proposed, cancellationToken));
                }
            }

            await Task.WhenAll(publishes);
            var sendSeconds = watch.Elapsed.TotalSeconds;
            await Task.WhenAll(polls);
            if (penalty is not null)
            {
                var fines = proposed.Order().ToArray();
                var sampled = new LoadResult(Name, context.Concurrency, fines.Length, polls.Count - fines.Length, watch.Elapsed, fines);
                await context.Output.WriteLineAsync(
                    $"{Name}: violation → fine readable over gRPC (every 25th violation, {fines.Length} of {polls.Count} found): " +
                    $"p50 {sampled.Percentile(50):F0} ms, p95 {sampled.Percentile(95):F0} ms, p99 {sampled.Percentile(99):F0} ms, max {(fines.Length == 0 ? double.NaN : fines[^1]):F0} ms");
            }

            await Task.WhenAny(allArrived.Task, Task.Delay(TimeSpan.FromSeconds(90), cancellationToken));
            var sorted = latencies.Order().ToArray();
            var result = new LoadResult(Name, context.Concurrency, sorted.Length, total - sorted.Length, watch.Elapsed, sorted);
            var doubled = imposed.Count(i => i.Value.Count > 1);
            await context.Output.WriteLineAsync(
                $"{Name}: published {total} (+{(total + 9) / 10} duplicates) in {sendSeconds:F1} s = {total / sendSeconds:F0}/s; " +
                $"PenaltyImposed received {sorted.Length}, missing {total - sorted.Length}, imposed twice {doubled}; violation → PenaltyImposed on the bus " +
                $"p50 {result.Percentile(50):F0} ms, p95 {result.Percentile(95):F0} ms, p99 {result.Percentile(99):F0} ms, max {(sorted.Length == 0 ? double.NaN : sorted[^1]):F0} ms");
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }
    }

    private static ViolationDetected Violation(string suffix, int n, DateTimeOffset at)
    {
        var employee = n % Employees;
        var branch = employee % Branches;
        return new ViolationDetected($"LV{suffix}-{n}", "P-5", "poaching",
            new ViolationParty($"LS{suffix}-{employee}", Roles.Salesperson, $"LB{suffix}-{branch}", $"LR{suffix}", $"LM{suffix}-{branch}"),
            null, $"LC{suffix}-{n}", null, 100_000m + (n % 1_000) * 1_000m, "load test", "loadgen", at);
    }

    /// <summary>
    /// The same rate for a while, unmeasured, under other ids and employees: the Penalty service's JIT
    /// (tiered compilation, dynamic PGO) is still recompiling its hot paths for the first tens of seconds.
    /// </summary>
    private static async Task WarmUpAsync(IBus bus, SemaphoreSlim inFlight, string suffix, int count, double rate, TextWriter output, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var now = TimeProvider.System.GetUtcNow();
        var publishes = new List<Task>(count);
        for (var n = 0; n < count && !cancellationToken.IsCancellationRequested; n++)
        {
            await LoadRunner.UntilAsync(watch, TimeSpan.FromSeconds(n / rate), cancellationToken);

            publishes.Add(PublishAsync(bus, inFlight, Violation(suffix, n, now + watch.Elapsed), cancellationToken));
        }

        await Task.WhenAll(publishes);
        await output.WriteLineAsync($"warm-up: {count} violations at {rate:F0}/s, not measured");
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

    /// <summary>Polls one fine until it is readable; records the time since its violation was published.</summary>
    private static async Task PollFineAsync(Penalties.PenaltiesClient client, Metadata hq, string fineId, long publishedAt, ConcurrentBag<double> proposed, CancellationToken cancellationToken)
    {
        await Task.Yield();
        while (Stopwatch.GetElapsedTime(publishedAt) < TimeSpan.FromSeconds(90) && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                await client.GetFineAsync(new GetFineRequest { FineId = fineId }, hq, cancellationToken: cancellationToken);
                proposed.Add(Stopwatch.GetElapsedTime(publishedAt).TotalMilliseconds);
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                var waited = Stopwatch.GetElapsedTime(publishedAt);
                await Task.Delay(waited < TimeSpan.FromSeconds(1) ? TimeSpan.FromMilliseconds(20) : TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }
}
