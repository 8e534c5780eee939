using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;

namespace CustomerProtection.ServiceDefaults;

/// <summary>
/// Redis commands as client spans of the sampled traces, and of those only. The stock instrumentation
/// (Aspire's Redis tracing) profiles every command that runs under an <see cref="Activity"/>, sampled or
/// not, and ASP.NET Core gives every request an Activity for its log scopes: at 1 % sampling it still
/// timed and drained every command of every call. Measured on the 2-core machine, sale authorisation at
/// 64 callers went from 3,810–4,639/s (p99 38–53 ms) to 5,785–7,163/s (p99 20–30 ms) without it, and to
/// 5,141–6,072/s (p99 25–29 ms) with this class in its place (docs/territory.md). Here a command is
/// profiled only while the current Activity is recorded; its commands become child spans when that
/// Activity ends (a command still running then is not shown).
/// </summary>
public sealed class RedisCommandSpans : BaseProcessor<Activity>
{
    public const string ActivitySourceName = "CustomerProtection.Redis";
    private static readonly ActivitySource Source = new(ActivitySourceName);

    // Keyed weakly: a recorded Activity that never ends here (another provider's) takes its session with it.
    private readonly ConditionalWeakTable<Activity, ProfilingSession> _sessions = new();

    /// <summary>For <see cref="IConnectionMultiplexer.RegisterProfiler"/>: called by StackExchange.Redis for each command.</summary>
    public ProfilingSession? CurrentSession() =>
        Activity.Current is { Recorded: true } current ? _sessions.GetValue(current, static _ => new ProfilingSession()) : null;

    public override void OnEnd(Activity data)
    {
        if (!_sessions.TryGetValue(data, out var session))
        {
            return;
        }

        _sessions.Remove(data);
        foreach (var command in session.FinishProfiling())
        {
            // Each span, stopped, makes the Activity ending here current again (its previous one).
            var start = DateTime.SpecifyKind(command.CommandCreated, DateTimeKind.Utc);
            using var span = Source.StartActivity(command.Command, ActivityKind.Client, data.Context, Tags(command), startTime: start);
            span?.SetEndTime(start + command.ElapsedTime);
        }
    }

    private static KeyValuePair<string, object?>[] Tags(IProfiledCommand command) =>
    [
        new("db.system", "redis"),
        new("db.system.name", "redis"),
        new("db.operation.name", command.Command),
        new("db.namespace", command.Db),
        new("server.address", command.EndPoint switch
        {
            IPEndPoint ip => ip.Address.ToString(),
            DnsEndPoint dns => dns.Host,
            var other => other.ToString(),
        }),
        new("server.port", command.EndPoint switch
        {
            IPEndPoint ip => ip.Port,
            DnsEndPoint dns => dns.Port,
            _ => null,
        }),
    ];

    /// <summary>Hands the connection's commands to the spans at start, before the service takes calls.</summary>
    internal sealed class Registration(IServiceProvider services, RedisCommandSpans spans) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<IConnectionMultiplexer>().RegisterProfiler(spans.CurrentSession);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
