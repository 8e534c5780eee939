using System.Collections.Concurrent;
using CustomerProtection.ServiceDefaults.Errors;
using CustomerProtection.Testing;
using Grpc.Core;
using Xunit.Abstractions;

namespace CustomerProtection.Registration.Tests;

/// <summary>
/// Redis, the system of record, killed (kill -9) and started again on the same port and folder, ten times, while
/// sixteen callers file and approve customers: every failure a caller can see is one the error interceptor answers
/// as UNAVAILABLE (safe to retry: every change is one atomic step), never an exception it does not know, which gRPC
/// would answer as UNKNOWN. The end-to-end <c>RedisFaultTests</c> asks the same of the whole system; this runs the
/// filing and approval paths many more times through an outage.
/// </summary>
public sealed class RedisOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Callers = 16;
    private const int Outages = 10;
    private readonly RedisServer _redis = new();

    public Task InitializeAsync() => _redis.InitializeAsync();

    public Task DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public async Task Every_failure_of_filing_and_approval_during_a_redis_outage_is_unavailable()
    {
        var h = new Harness(_redis);
        // Enough salespeople that no one reaches the X-1 holding cap during the run.
        string[] salespeople = [.. Enumerable.Range(1, 400).Select(i => $"S{i}")];
        await h.SeedBranchAsync("B-SH", false, salespeople);
        var unknown = new ConcurrentBag<Exception>();
        var codes = new ConcurrentDictionary<StatusCode, int>();
        var approved = 0;
        // Signals from the callers: the fault is paced by what they did, not by waiting.
        using var approvals = new SemaphoreSlim(0);
        using var failures = new SemaphoreSlim(0);
        using var stop = new CancellationTokenSource();
        var callers = Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    await h.FileAndApproveAsync(salespeople[(caller * 25 + n) % salespeople.Length], $"停电客户{caller}第{n}号有限公司", Harness.NewTaxpayerId());
                    Interlocked.Increment(ref approved);
                    approvals.Release();
                }
                catch (Exception ex)
                {
                    if (DomainErrorInterceptor.Translate(ex) is { } answer)
                    {
                        codes.AddOrUpdate(answer.StatusCode, 1, (_, count) => count + 1);
                    }
                    else
                    {
                        unknown.Add(ex);
                    }

                    failures.Release();
                }
            }
        })).ToList();

        for (var outage = 0; outage < Outages; outage++)
        {
            // Redis serves approvals, is killed until the callers run into it, and comes back.
            await AfterAsync(approvals, 50);
            await _redis.KillAsync();
            await AfterAsync(failures, 1);
            _redis.StartAgain();
        }

        // Approvals go through again after the last return.
        await AfterAsync(approvals, 50);
        await stop.CancelAsync();
        await Task.WhenAll(callers);
        output.WriteLine($"approved {approved}; failures {string.Join(", ", codes.Select(c => $"{c.Key}={c.Value}"))}; unknown {unknown.Count}");
        foreach (var ex in unknown.Take(3))
        {
            output.WriteLine(ex.ToString());
        }

        Assert.Empty(unknown);
        Assert.True(codes.GetValueOrDefault(StatusCode.Unavailable) > 0, "the outages reached the callers");
        Assert.Equal([StatusCode.Unavailable], codes.Keys.ToArray());
        Assert.True(approved > 0, "filings were approved between the outages");
    }

    /// <summary>Waits for <paramref name="count"/> more signals than were there when called (those before are dropped).</summary>
    private static async Task AfterAsync(SemaphoreSlim signals, int count)
    {
        while (signals.CurrentCount > 0)
        {
            await signals.WaitAsync();
        }

        for (var i = 0; i < count; i++)
        {
            Assert.True(await signals.WaitAsync(TimeSpan.FromMinutes(1)), $"{count} signals from the callers within a minute");
        }
    }
}
