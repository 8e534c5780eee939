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
        using var stop = new CancellationTokenSource();
        var callers = Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    await h.FileAndApproveAsync(salespeople[(caller * 25 + n) % salespeople.Length], $"停电客户{caller}第{n}号有限公司", Harness.NewTaxpayerId());
                    Interlocked.Increment(ref approved);
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
                }
            }
        })).ToList();

        for (var outage = 0; outage < Outages; outage++)
        {
            // Wall-clock pacing of the fault itself (no policy deadline is waited for here).
            await Task.Delay(1000);
            await _redis.KillAsync();
            await Task.Delay(700);
            _redis.StartAgain();
        }

        await Task.Delay(1500);
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
}
