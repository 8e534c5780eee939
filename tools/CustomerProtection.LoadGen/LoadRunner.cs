using System.Diagnostics;

namespace CustomerProtection.LoadGen;

/// <summary>
/// Runs an operation from N concurrent callers (closed loop) for a duration and records every
/// latency, then reports throughput and percentiles. Bounded in time and count; loopback only.
/// A warm-up at the same load comes first and is not recorded: the services' JIT (tiered
/// compilation, dynamic PGO) is still recompiling hot code for the first tens of seconds after a
/// start, which is not the steady state the targets are about.
/// <para>
/// Without a rate every caller calls again as soon as it has its answer: the throughput is the most
/// the system gives, and the latencies are those of a saturated system. With a rate (calls per
/// second), call n is due at n / rate and the next free caller makes it then: the latencies are those
/// of the system sustaining that rate. Each latency counts from the call's due time, not from when a
/// caller got to it, so a system that falls behind is charged for the wait (no coordinated omission).
/// </para>
/// </summary>
public static class LoadRunner
{
    public static async Task<LoadResult> RunAsync(string name, int concurrency, TimeSpan duration, Func<int, long, Task> operation, CancellationToken cancellationToken,
        TimeSpan warmup = default, double rate = 0)
    {
        if (rate > 0 && warmup > TimeSpan.Zero)
        {
            // Warmed up as fast as it answers: a paced warm-up would leave the backlog of the cold start
            // to the measured calls.
            await RunAsync(name, concurrency, warmup, operation, cancellationToken);
            warmup = TimeSpan.Zero;
        }

        var latencies = new List<double>[concurrency];
        var dues = new List<double>[concurrency];
        var failures = new long[concurrency];
        var watch = Stopwatch.StartNew();
        var end = warmup + duration;
        long sequence = 0;
        var callers = Enumerable.Range(0, concurrency).Select(caller => Task.Run(async () =>
        {
            var mine = latencies[caller] = new List<double>(100_000);
            // Due times are kept only for a timeline: 64 callers' lists would be another ~50 MB otherwise.
            var myDues = dues[caller] = new List<double>(TimelineDirectory is null ? 0 : 100_000);
            while (!cancellationToken.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref sequence);
                var due = rate > 0 ? TimeSpan.FromSeconds((n - 1) / rate) : watch.Elapsed;
                if (due >= end)
                {
                    break;
                }

                await UntilAsync(watch, due, cancellationToken);
                var measured = due >= warmup;
                try
                {
                    await operation(caller, n);
                    if (measured)
                    {
                        mine.Add((watch.Elapsed - due).TotalMilliseconds);
                        if (TimelineDirectory is not null)
                        {
                            myDues.Add((due - warmup).TotalMilliseconds);
                        }
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    if (measured)
                    {
                        failures[caller]++;
                    }
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(callers);
        var elapsed = (rate > 0 ? end : watch.Elapsed) - warmup;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        if (TimelineDirectory is { } directory)
        {
            await WriteTimelineAsync(Path.Combine(directory, name + ".timeline.txt"), TimeProvider.System.GetUtcNow() - watch.Elapsed + warmup,
                dues.SelectMany(d => d).Zip(latencies.SelectMany(l => l)), cancellationToken);
        }

        return new LoadResult(name, concurrency, all.Length, failures.Sum(), elapsed, all, rate);
    }

    /// <summary>
    /// When set (<c>--timeline DIR</c>), each measured run also writes its latencies per 100 ms of due time
    /// (wall clock, calls, p50, p99, max) to <c>DIR/name.timeline.txt</c>: when a tail comes in bursts,
    /// their times line up with what the other processes logged (an AOF rewrite, a GC).
    /// </summary>
    public static string? TimelineDirectory { get; set; }

    private static async Task WriteTimelineAsync(string path, DateTimeOffset start, IEnumerable<(double DueMs, double LatencyMs)> calls, CancellationToken cancellationToken)
    {
        var lines = calls.GroupBy(c => (long)(c.DueMs / 100)).OrderBy(g => g.Key).Select(g =>
        {
            var window = new LoadResult("", 0, 0, 0, TimeSpan.Zero, [.. g.Select(c => c.LatencyMs).Order()]);
            return FormattableString.Invariant(
                $"{start.AddMilliseconds(g.Key * 100):HH:mm:ss.f} calls {window.SortedLatenciesMs.Length} p50 {window.Percentile(50):F1} p99 {window.Percentile(99):F1} max {window.SortedLatenciesMs[^1]:F1}");
        });
        await File.WriteAllLinesAsync(path, lines, cancellationToken);
    }

    /// <summary>Waits until <paramref name="watch"/> reaches <paramref name="due"/> (open-loop and paced sends).</summary>
    public static async Task UntilAsync(Stopwatch watch, TimeSpan due, CancellationToken cancellationToken)
    {
        if (due > watch.Elapsed)
        {
            await Task.Delay(due - watch.Elapsed, cancellationToken);
        }
    }
}

public sealed record LoadResult(string Name, int Concurrency, long Succeeded, long Failed, TimeSpan Elapsed, double[] SortedLatenciesMs, double Rate = 0)
{
    public double PerSecond => Succeeded / Elapsed.TotalSeconds;

    public double Percentile(double p) => SortedLatenciesMs.Length == 0 ? double.NaN : SortedLatenciesMs[Math.Min(SortedLatenciesMs.Length - 1, (int)Math.Ceiling(p / 100 * SortedLatenciesMs.Length) - 1)];

    public override string ToString() =>
        $"{Name}: {Succeeded} ok, {Failed} failed in {Elapsed.TotalSeconds:F1} s = {PerSecond:F0}/s at {Concurrency} callers{(Rate > 0 ? $" (paced at {Rate:F0}/s)" : "")}; " +
        $"p50 {Percentile(50):F2} ms, p95 {Percentile(95):F2} ms, p99 {Percentile(99):F2} ms, max {(SortedLatenciesMs.Length == 0 ? double.NaN : SortedLatenciesMs[^1]):F2} ms";
}
