using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using StackExchange.Redis;

namespace CustomerProtection.EndToEnd.Tests.Faults;

/// <summary>A service's process as the AppHost started it: its id and when it started (a pid can be reused).</summary>
internal sealed record ServiceProcess(string Service, int Pid, long StartTime);

/// <summary>
/// What the fault tests look at from outside the services: their processes, their <c>/health</c>, and the Redis
/// streams that are their outboxes (<c>cp:&lt;service&gt;:outbox</c>, RedisOutbox in the service defaults).
/// </summary>
internal sealed class SystemProbe : IAsyncDisposable
{
    private readonly SystemFixture _system;
    private readonly ConnectionMultiplexer _redis;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private SystemProbe(SystemFixture system, ConnectionMultiplexer redis)
    {
        _system = system;
        _redis = redis;
    }

    public IDatabase Redis => _redis.GetDatabase();

    public static async Task<SystemProbe> StartAsync(SystemFixture system)
    {
        var connectionString = await system.App.GetConnectionStringAsync(ResourceNames.Redis) ?? throw new InvalidOperationException("no redis connection string");
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false; // it reconnects by itself after each kill
        options.ConnectTimeout = 2_000;
        options.SyncTimeout = 2_000;
        options.AsyncTimeout = 2_000;
        return new SystemProbe(system, await ConnectionMultiplexer.ConnectAsync(options));
    }

    public static string OutboxKey(string service) => $"cp:{{{service}}}:outbox";

    /// <summary>Each service's process now; fails if one is not running.</summary>
    public IReadOnlyList<ServiceProcess> ServiceProcesses() =>
    [
        .. SystemFixture.Services.Select(service =>
        {
            Assert.True(_system.App.ResourceNotifications.TryGetCurrentState(service, out var state), $"no state for {service}");
            Assert.Equal(KnownResourceStates.Running, state!.Snapshot.State?.Text);
            var pid = Dependency.Pid(state.Snapshot) ?? throw new InvalidOperationException($"{service} has no pid");
            return new ServiceProcess(service, pid, ProcessTree.StartTime(pid) ?? throw new InvalidOperationException($"{service}'s process {pid} is gone"));
        }),
    ];

    /// <summary>No service was restarted: the AppHost runs the very processes it ran before, and they are alive.</summary>
    public void AssertSameProcesses(IReadOnlyList<ServiceProcess> before)
    {
        var now = ServiceProcesses();
        Assert.Equal(before, now);
        Assert.All(now, p => Assert.True(ProcessTree.IsAlive(p.Pid, p.StartTime), $"{p.Service}'s process {p.Pid} is not alive"));
    }

    /// <summary>Waits until every service's outbox stream is empty; returns how long that took.</summary>
    public async Task<TimeSpan> WaitOutboxesEmptyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var lengths = new Dictionary<string, string>();
        while (true)
        {
            foreach (var service in SystemFixture.Services)
            {
                try
                {
                    lengths[service] = (await Redis.StreamLengthAsync(OutboxKey(service))).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (RedisException ex)
                {
                    lengths[service] = ex.GetType().Name;
                }
            }

            if (lengths.Values.All(l => l == "0"))
            {
                return watch.Elapsed;
            }

            Assert.True(watch.Elapsed < timeout,
                $"outboxes not drained within {timeout.TotalSeconds} s: {string.Join(", ", lengths.Select(l => $"{OutboxKey(l.Key)}={l.Value}"))}");
            await Task.Delay(200, cancellationToken);
        }
    }

    public async Task<long> OutboxLengthAsync(string service) => await Redis.StreamLengthAsync(OutboxKey(service));

    /// <summary>Waits until every service's <c>/health</c> says Healthy (not Degraded: the background loops recovered); returns how long that took.</summary>
    public async Task<TimeSpan> WaitHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var last = new Dictionary<string, string>();
        while (true)
        {
            foreach (var (service, health) in await Task.WhenAll(SystemFixture.Services.Select(async s => (s, await HealthAsync(s, cancellationToken)))))
            {
                last[service] = health;
            }

            if (last.Values.All(h => h == "Healthy"))
            {
                return watch.Elapsed;
            }

            Assert.True(watch.Elapsed < timeout,
                $"not every service Healthy within {timeout.TotalSeconds} s: {string.Join(", ", last.Select(h => $"{h.Key}={h.Value}"))}");
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>
    /// Waits until no service's <c>/health</c> says Healthy (each has seen the outage of a dependency it needs);
    /// returns what each said then. Without it, "Healthy again" afterwards would prove nothing.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> WaitNoneHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var seen = new Dictionary<string, string>();
        while (true)
        {
            var asked = SystemFixture.Services.Where(s => !seen.ContainsKey(s)).Select(async s => (Service: s, Health: await HealthAsync(s, cancellationToken)));
            foreach (var (service, health) in await Task.WhenAll(asked))
            {
                if (health != "Healthy")
                {
                    seen[service] = health;
                }
            }

            if (seen.Count == SystemFixture.Services.Length)
            {
                return seen;
            }

            Assert.True(watch.Elapsed < timeout,
                $"/health still Healthy {timeout.TotalSeconds} s into the outage: {string.Join(", ", SystemFixture.Services.Where(s => !seen.ContainsKey(s)))}");
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>The body of a service's <c>/health</c> (Healthy, Degraded, Unhealthy), or what went wrong asking.</summary>
    public async Task<string> HealthAsync(string service, CancellationToken cancellationToken)
    {
        try
        {
            var endpoint = _system.App.GetEndpoint(service, ResourceNames.HttpEndpoint);
            using var response = await _http.GetAsync(new Uri(endpoint, "/health"), cancellationToken);
            return (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return ex.GetType().Name;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _redis.DisposeAsync();
    }
}
