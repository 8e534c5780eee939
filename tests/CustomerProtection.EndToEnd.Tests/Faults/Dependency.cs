using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerProtection.EndToEnd.Tests.Faults;

/// <summary>What was killed, and how the AppHost had started it (to compare with the process it starts again).</summary>
internal sealed record KilledServer(
    string Resource,
    int LauncherPid,
    int KilledPid,
    string KilledName,
    string CommandLine,
    IReadOnlyList<string> Environment,
    string ConnectionString,
    DateTimeOffset KilledAt)
{
    /// <summary>When the AppHost had seen the resource end and the old process tree was gone.</summary>
    public DateTimeOffset GoneAt { get; init; }
}

/// <summary>
/// Redis or RabbitMQ as the AppHost runs them here: local executables under DCP (Infrastructure:Mode=local).
/// Measured on this machine (Aspire 13.6): DCP does not start an executable again after it dies — the resource
/// goes to <see cref="KnownResourceStates.Finished"/> within a second and offers its start command — and the start
/// command launches the same command line and environment, so the server comes back on the same port with the
/// same data folder (the endpoints have fixed ports: the services keep the connection strings they started with).
/// So a fault is <c>kill -9</c> of the server process, and the return is the resource's own start command.
/// </summary>
internal sealed class Dependency(DistributedApplication app, string resource, string serverProcessName, params string[] environmentPrefixes)
{
    /// <summary>redis-server is the process DCP starts.</summary>
    public static Dependency Redis(DistributedApplication app) => new(app, ResourceNames.Redis, "redis-server");

    /// <summary>DCP starts the rabbitmq-server script (/bin/sh), which runs the Erlang VM (beam.smp) as its child: the broker.</summary>
    public static Dependency RabbitMq(DistributedApplication app) => new(app, ResourceNames.Messaging, "beam.smp", "RABBITMQ_", "ERL_", "HOME=");

    public string Resource => resource;

    /// <summary>SIGKILL to the server process, then waits until the AppHost has seen its resource end and no process of the old tree is left.</summary>
    public async Task<KilledServer> KillAsync(CancellationToken cancellationToken)
    {
        var launcher = await RunningPidAsync(except: null, cancellationToken);
        var tree = ProcessTree.Descendants(launcher).Prepend(launcher).Select(p => (Pid: p, Start: ProcessTree.StartTime(p))).ToList();
        var target = ProcessTree.Name(launcher) == serverProcessName
            ? launcher
            : tree.Select(p => p.Pid).FirstOrDefault(p => ProcessTree.Name(p) == serverProcessName);
        Assert.True(target != 0, $"no {serverProcessName} process under {resource}'s process {launcher} ({ProcessTree.CommandLine(launcher)})");

        var killed = new KilledServer(
            resource,
            launcher,
            target,
            serverProcessName,
            ProcessTree.CommandLine(launcher) ?? "",
            ProcessTree.Environment(launcher, environmentPrefixes),
            await app.GetConnectionStringAsync(resource, cancellationToken) ?? "",
            DateTimeOffset.UtcNow);
        using (var process = Process.GetProcessById(target))
        {
            process.Kill(); // SIGKILL on Linux: no shutdown of any kind
            await process.WaitForExitAsync(cancellationToken);
        }

        await app.ResourceNotifications.WaitForResourceAsync(resource, KnownResourceStates.TerminalStates, cancellationToken);

        // What the server had started (erl_child_setup, inet_gethost) goes with it; nothing of it may hold a port or a file.
        var watch = Stopwatch.StartNew();
        while (tree.Any(p => p.Start is { } start && ProcessTree.IsAlive(p.Pid, start)))
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30),
                $"processes of {resource}'s old tree still alive 30 s after the kill: {string.Join(", ", tree.Where(p => p.Start is { } s && ProcessTree.IsAlive(p.Pid, s)).Select(p => $"{p.Pid} {ProcessTree.Name(p.Pid)}"))}");
            await Task.Delay(100, cancellationToken);
        }

        return killed with { GoneAt = DateTimeOffset.UtcNow };
    }

    /// <summary>
    /// Starts the resource again with its start command and waits until the AppHost's health check of it passes;
    /// checks that it is the same server (command line, environment, connection string) in a new process.
    /// Returns when it was healthy again.
    /// </summary>
    public async Task<DateTimeOffset> StartAgainAsync(KilledServer killed, CancellationToken cancellationToken)
    {
        var commands = app.Services.GetRequiredService<ResourceCommandService>();
        var started = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellationToken);
        Assert.True(started.Success, $"start command of {resource}: {started.Message}");

        // Running in a new process first: right after the command the resource may still show the old run's
        // Finished state, which a wait for health takes for a failure to start.
        var launcher = await RunningPidAsync(except: killed.LauncherPid, cancellationToken);
        await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.WaitOnResourceUnavailable, cancellationToken);
        var healthyAt = DateTimeOffset.UtcNow;

        Assert.Equal(killed.CommandLine, ProcessTree.CommandLine(launcher));
        Assert.Equal(killed.Environment, ProcessTree.Environment(launcher, environmentPrefixes));
        Assert.Equal(killed.ConnectionString, await app.GetConnectionStringAsync(resource, cancellationToken));
        return healthyAt;
    }

    /// <summary>The id of the process DCP started for the resource, once it runs (and is not <paramref name="except"/>).</summary>
    private async Task<int> RunningPidAsync(int? except, CancellationToken cancellationToken)
    {
        var running = await app.ResourceNotifications.WaitForResourceAsync(resource,
            e => e.Snapshot.State?.Text == KnownResourceStates.Running && Pid(e.Snapshot) is { } pid && pid != except,
            cancellationToken);
        return Pid(running.Snapshot)!.Value;
    }

    public static int? Pid(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
            ? Convert.ToInt32(value, CultureInfo.InvariantCulture)
            : null;
}
