using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using CustomerProtection.EndToEnd.Tests.Faults;
using CustomerProtection.Platform.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CustomerProtection.EndToEnd.Tests.Replicas;

/// <summary>One running replica: the AppHost's resource of it (named &lt;service&gt;-&lt;suffix&gt;) and the service's own process.</summary>
internal sealed record Replica(string ResourceId, int Pid);

/// <summary>
/// The replicas of the services as the AppHost runs them with <c>--Replicas:&lt;service&gt;=N</c>: their processes, the
/// one address in front of them (DCP's proxy), signals to them, and the start command that brings a killed one back.
/// </summary>
internal sealed class ReplicaProcesses(SystemFixture system)
{
    /// <summary>"Within seconds" on the busy 2-core machine: the proxy learns that a replica is gone.</summary>
    public static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(15);

    /// <summary>The outbox relay's lease (OutboxRelay.LeaseTime): a holder that stops renewing loses it after this.</summary>
    public static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(10);

    /// <summary>A channel of its own to the service's one address: a new connection, which the proxy gives to one replica.</summary>
    public GrpcChannel NewChannel(string service) => GrpcChannel.ForAddress(system.App.GetEndpoint(service, ResourceNames.GrpcEndpoint));

    /// <summary>
    /// The last state of each replica of the service, by resource id: each replica is a resource of its own, whose
    /// last state the notification service replays to a new watcher.
    /// </summary>
    private async Task<Dictionary<string, CustomResourceSnapshot>> LatestAsync(string service)
    {
        var latest = new Dictionary<string, CustomResourceSnapshot>();
        using var replayed = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await foreach (var update in system.App.ResourceNotifications.WatchAsync(replayed.Token))
            {
                if (update.Resource.Name == service)
                {
                    latest[update.ResourceId] = update.Snapshot;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The replay arrives at once; what follows are live updates this count does not need.
        }

        return latest;
    }

    /// <summary>The service's running replicas, ordered by pid.</summary>
    public async Task<List<Replica>> RunningAsync(string service) =>
    [
        .. (await LatestAsync(service))
            .Where(s => s.Value.State?.Text == KnownResourceStates.Running && Dependency.Pid(s.Value) is not null)
            .Select(s => new Replica(s.Key, ServiceBinary(service, Dependency.Pid(s.Value)!.Value)))
            .OrderBy(r => r.Pid),
    ];

    /// <summary>Waits until the service runs <paramref name="count"/> replicas, each healthy (one started again comes up in its own time).</summary>
    public async Task<List<Replica>> WaitRunningAsync(string service, int count, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var latest = await LatestAsync(service);
            var running = latest.Where(s => s.Value.State?.Text == KnownResourceStates.Running && s.Value.HealthStatus == HealthStatus.Healthy).ToList();
            if (running.Count == count)
            {
                return await RunningAsync(service);
            }

            if (watch.Elapsed >= timeout)
            {
                var stopped = latest.Where(s => s.Value.State?.Text != KnownResourceStates.Running).Select(s => s.Key).ToList();
                var logs = string.Join("\n", await Task.WhenAll(stopped.Select(async id => $"--- {id}:\n{await system.LastLogLinesAsync(id)}")));
                Assert.Fail($"{service} runs {running.Count} healthy replicas, not {count}, {timeout.TotalSeconds} s on: " +
                    string.Join(", ", latest.Select(s => $"{s.Key} {s.Value.State?.Text} {s.Value.HealthStatus}")) + "\n" + logs);
            }

            await Task.Delay(500);
        }
    }

    /// <summary>kill -9 of the replica's service process.</summary>
    public static void Kill(Replica replica)
    {
        using var process = Process.GetProcessById(replica.Pid);
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>
    /// The replica's resource started again with its start command (DCP does not restart a killed executable), and
    /// waited for until every replica of the service runs and the service is healthy: later tests find the system whole.
    /// </summary>
    public async Task StartAgainAsync(string service, Replica killed, int replicas)
    {
        var watch = Stopwatch.StartNew();
        while ((await LatestAsync(service)).GetValueOrDefault(killed.ResourceId)?.State?.Text is not { } state || !KnownResourceStates.TerminalStates.Contains(state))
        {
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1), $"{killed.ResourceId} not seen ended a minute after its kill");
            await Task.Delay(250);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var commands = system.App.Services.GetRequiredService<ResourceCommandService>();
        var started = await commands.ExecuteCommandAsync(killed.ResourceId, KnownResourceCommands.StartCommand, cts.Token);
        Assert.True(started.Success, $"start command of {killed.ResourceId}: {started.Message}");
        await WaitRunningAsync(service, replicas, TimeSpan.FromMinutes(3));
    }

    /// <summary>kill -STOP for longer than the relay lease, then -CONT: the replica hangs without dying (a long GC pause, a frozen VM), and another takes the lease.</summary>
    public static async Task PausePastTheLeaseAsync(Replica replica)
    {
        Signal("STOP", replica.Pid);
        try
        {
            await Task.Delay(LeaseTime + TimeSpan.FromSeconds(2));
        }
        finally
        {
            Signal("CONT", replica.Pid);
        }
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>
    /// Opens the channels and makes one call on each, then checks that each replica was given some of the new
    /// connections (the proxy balances connections, not calls). Returns the new connections per replica for the log.
    /// </summary>
    public async Task<string> SpreadOverReplicasAsync(string service, IReadOnlyList<GrpcChannel> channels, Metadata caller)
    {
        var replicas = await RunningAsync(service);
        var before = replicas.ToDictionary(r => r.Pid, r => EstablishedConnections(GrpcPort(r.Pid)));
        await Task.WhenAll(channels.Select(async c => await new Clock.ClockClient(c).GetTimeAsync(new GetTimeRequest(), caller)));
        var connections = replicas.ToDictionary(r => r.Pid, r => EstablishedConnections(GrpcPort(r.Pid)) - before[r.Pid]);
        Assert.All(connections, c => Assert.True(c.Value > 0, $"{service} replica {c.Key} was given none of {channels.Count} connections"));
        return string.Join(", ", connections.Select(c => $"{c.Key}={c.Value}"));
    }

    /// <summary>
    /// A channel to the service's one address whose connection the proxy gave to <paramref name="target"/>: new
    /// channels are opened (one call each) until one adds a connection to the target's port and none to another
    /// replica's; the others are closed.
    /// </summary>
    public async Task<GrpcChannel> ChannelToAsync(string service, Replica target, Metadata caller)
    {
        var replicas = await RunningAsync(service);
        var ports = replicas.ToDictionary(r => r.Pid, r => GrpcPort(r.Pid));
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var before = ports.ToDictionary(p => p.Key, p => EstablishedConnections(p.Value));
            var channel = NewChannel(service);
            await new Clock.ClockClient(channel).GetTimeAsync(new GetTimeRequest(), caller);
            var added = ports.ToDictionary(p => p.Key, p => EstablishedConnections(p.Value) - before[p.Key]);
            if (added[target.Pid] > 0 && added.Where(a => a.Key != target.Pid).All(a => a.Value <= 0))
            {
                return channel;
            }

            channel.Dispose();
        }

        throw new InvalidOperationException($"no connection to {service} replica {target.Pid} in 40 attempts");
    }

    /// <summary>Calls through the service's one address, each on a new connection, until <paramref name="count"/> in a row are answered.</summary>
    public async Task<TimeSpan> AnswersInARowAsync(string service, int count, Metadata caller, Stopwatch since)
    {
        var streak = 0;
        RpcException? last = null;
        while (since.Elapsed < AnswerWithin * 2)
        {
            using var channel = NewChannel(service);
            try
            {
                await new Clock.ClockClient(channel).GetTimeAsync(new GetTimeRequest(), caller, deadline: DateTime.UtcNow.AddSeconds(5));
                if (++streak == count)
                {
                    return since.Elapsed;
                }
            }
            catch (RpcException error)
            {
                last = error;
                streak = 0;
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"no {count} answers in a row from {service} within {(AnswerWithin * 2).TotalSeconds} s of the kill", last);
    }

    /// <summary>The replica's own gRPC port, which the AppHost gave it in its Kestrel settings.</summary>
    private static int GrpcPort(int pid)
    {
        var url = Assert.Single(ProcessTree.Environment(pid, $"Kestrel__Endpoints__{ResourceNames.GrpcEndpoint}__Url="));
        return new Uri(url[(url.IndexOf('=', StringComparison.Ordinal) + 1)..]).Port;
    }

    /// <summary>Established TCP connections whose local port is <paramref name="port"/> (the kernel's tables: local address is the second column).</summary>
    private static int EstablishedConnections(int port)
    {
        var local = $":{port:X4}";
        return new[] { "/proc/net/tcp", "/proc/net/tcp6" }
            .SelectMany(File.ReadLines)
            .Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(fields => fields.Length > 3 && fields[1].EndsWith(local, StringComparison.Ordinal) && fields[3] == "01");
    }

    /// <summary>
    /// The service's own process: the AppHost reports the pid of <c>dotnet run</c>, whose child is the service (a
    /// signal to <c>dotnet run</c> would leave the service running).
    /// </summary>
    private static int ServiceBinary(string service, int pid)
    {
        var binary = "/CustomerProtection." + ReplicaSystemFixture.SettingName(service);
        return Assert.Single([pid, .. ProcessTree.Descendants(pid)], p =>
            ProcessTree.CommandLine(p)?.Split(' ')[0].EndsWith(binary, StringComparison.Ordinal) == true);
    }
}
