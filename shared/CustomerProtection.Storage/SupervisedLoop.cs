using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CustomerProtection.Storage;

/// <summary>
/// The one supervision of every background loop (the outbox relay, the due-queues, the audit chain, the key
/// pass, the clock sync). A pass that fails for any reason but shutdown — Redis or the broker gone, a timeout,
/// a reply cut off mid-way — is logged, reported through health as degraded, and tried again after a backoff
/// (100 ms doubling to 10 s): a loop never ends before the host does and never stops it. A pass that succeeds
/// resets the backoff and clears the report.
/// </summary>
public abstract class SupervisedLoop(LoopHealth health, ILogger logger) : BackgroundService
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    /// <summary>The loop's name in logs and health.</summary>
    protected abstract string Name { get; }

    /// <summary>One pass, including its wait before the next (an idle poll, a signal, a timer).</summary>
    protected abstract Task PassAsync(CancellationToken stoppingToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = MinBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A stop does not wait for a pass stuck on a Redis that is already gone (each call waits out its 5 s
                // timeout): the pass is left behind as a kill would leave it — every step is atomic in Redis, so
                // nothing is half-written — and the service exits promptly.
                await PassAsync(stoppingToken).WaitAsync(stoppingToken);
                health.Succeeded(Name);
                backoff = MinBackoff;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "{Loop} failed; retrying in {Backoff}", Name, backoff);
                health.Failed(Name, ex);
                try
                {
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }
}

/// <summary>The background loops whose last pass failed, for <c>/health</c> (degraded, with the loop and the error).</summary>
public sealed class LoopHealth : IHealthCheck
{
    private readonly ConcurrentDictionary<string, string> _failing = new(StringComparer.Ordinal);

    public void Succeeded(string loop) => _failing.TryRemove(loop, out _);

    public void Failed(string loop, Exception error) => _failing[loop] = $"{error.GetType().Name}: {error.Message}";

    public IReadOnlyDictionary<string, string> Failing => _failing;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_failing.IsEmpty
            ? HealthCheckResult.Healthy("every background loop's last pass succeeded")
            : HealthCheckResult.Degraded(
                $"failing: {string.Join(", ", _failing.Keys.Order(StringComparer.Ordinal))}",
                data: _failing.ToDictionary(p => p.Key, p => (object)p.Value)));
}
