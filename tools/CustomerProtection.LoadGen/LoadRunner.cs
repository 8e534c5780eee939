using System.Diagnostics;

namespace CustomerProtection.LoadGen;

/// <summary>
/// Runs an operation from N concurrent callers (closed loop) for a duration and records every
/// latency, then reports throughput and percentiles. Bounded in time and count; loopback only.
/// </summary>
public static class LoadRunner
{
    public static async Task<LoadResult> RunAsync(string name, int concurrency, TimeSpan duration, Func<int, long, Task> operation, CancellationToken cancellationToken)
    {
        var latencies = new List<double>[concurrency];
        var failures = new long[concurrency];
        var watch = Stopwatch.StartNew();
        long sequence = 0;
        var callers = Enumerable.Range(0, concurrency).Select(caller => Task.Run(async () =>
        {
            var mine = latencies[caller] = new List<double>(100_000);
            while (watch.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref sequence);
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await operation(caller, n);
                    mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failures[caller]++;
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(callers);
        var elapsed = watch.Elapsed;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(name, concurrency, all.Length, failures.Sum(), elapsed, all);
    }
}

public sealed record LoadResult(string Name, int Concurrency, long Succeeded, long Failed, TimeSpan Elapsed, double[] SortedLatenciesMs)
{
    public double PerSecond => Succeeded / Elapsed.TotalSeconds;

    public double Percentile(double p) => SortedLatenciesMs.Length == 0 ? double.NaN : SortedLatenciesMs[Math.Min(SortedLatenciesMs.Length - 1, (int)Math.Ceiling(p / 100 * SortedLatenciesMs.Length) - 1)];

    public override string ToString() =>
        $"{Name}: {Succeeded} ok, {Failed} failed in {Elapsed.TotalSeconds:F1} s = {PerSecond:F0}/s at {Concurrency} callers; " +
        $"p50 {Percentile(50):F2} ms, p95 {Percentile(95):F2} ms, p99 {Percentile(99):F2} ms, max {(SortedLatenciesMs.Length == 0 ? double.NaN : SortedLatenciesMs[^1]):F2} ms";
}
