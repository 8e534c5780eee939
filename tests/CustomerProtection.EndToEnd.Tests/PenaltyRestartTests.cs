using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using CustomerProtection.Penalty.V1;
using CustomerProtection.Policy.Actors;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// Exactly once across a crash (architecture.md: at-least-once delivery, idempotent consumers,
/// Redis outbox): the Penalty service is killed (SIGKILL to its process tree: messages in flight
/// unacknowledged, outbox entries not yet relayed) while violations flow, then started again with
/// the resource's start command; every violation ends with its one fine and one PenaltyImposed,
/// none lost, none doubled.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PenaltyRestartTests(SystemFixture system)
{
    private const int Violations = 300;

    /// <summary>
    /// Kills the penalty resource's process tree (the process the AppHost started, by its id) and
    /// waits until the AppHost sees it gone. A kill rather than the stop command: a crash gives the
    /// service no chance to finish what it holds, which is what exactly-once must survive.
    /// </summary>
    private async Task<int> KillAsync(CancellationToken cancellationToken)
    {
        var pid = await RunningPidAsync(except: null, cancellationToken);
        using (var process = Process.GetProcessById(pid))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(cancellationToken);
        }

        await system.App.ResourceNotifications.WaitForResourceAsync(ResourceNames.Penalty, KnownResourceStates.TerminalStates, cancellationToken);
        return pid;
    }

    /// <summary>
    /// The start command, then the new process running, then healthy. Right after the command the resource may
    /// still show the killed run's Finished state, which a plain wait for health takes for a failure to start
    /// ("resource 'penalty' failed to start" on a busy machine): so first a Running state with a new pid, then
    /// health waiting through any state in between.
    /// </summary>
    private async Task StartAgainAsync(int killedPid, CancellationToken cancellationToken)
    {
        var commands = system.App.Services.GetRequiredService<ResourceCommandService>();
        var started = await commands.ExecuteCommandAsync(ResourceNames.Penalty, KnownResourceCommands.StartCommand, cancellationToken);
        Assert.True(started.Success, $"start command of penalty: {started.Message}");
        await RunningPidAsync(except: killedPid, cancellationToken);
        await system.App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Penalty, WaitBehavior.WaitOnResourceUnavailable, cancellationToken);
    }

    private async Task<int> RunningPidAsync(int? except, CancellationToken cancellationToken)
    {
        var running = await system.App.ResourceNotifications.WaitForResourceAsync(ResourceNames.Penalty,
            e => e.Snapshot.State?.Text == KnownResourceStates.Running && Faults.Dependency.Pid(e.Snapshot) is { } pid && pid != except,
            cancellationToken);
        return Faults.Dependency.Pid(running.Snapshot)!.Value;
    }

    [Fact]
    public async Task P8_1_killing_and_restarting_the_penalty_service_while_violations_flow_loses_none_and_doubles_none()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var branch = "B-RESTART-" + suffix;
        await using var bus = await PenaltyBus.StartAsync(system);
        var now = await PenaltyBus.NowAsync(system);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        // About 60 violations a second for five seconds; every fourth is delivered twice, as a broker redelivers.
        var flow = Task.Run(async () =>
        {
            for (var i = 0; i < Violations; i++)
            {
                var detected = PenaltyBus.Detected($"V{i:D3}-{suffix}", $"S{i % 40}-{suffix}", branch, "M-" + suffix, 0m, now);
                await bus.PublishAsync(detected);
                if (i % 4 == 0)
                {
                    await bus.PublishAsync(detected);
                }

                await Task.Delay(15);
            }
        });

        await Eventually.GetAsync(() => Task.FromResult(bus.Imposed.Count > 20 ? "" : null), "the first fines before the kill");
        var killed = await KillAsync(timeout.Token);
        var finesAtKill = bus.Imposed.Count;

        await StartAgainAsync(killed, timeout.Token);
        await flow;

        await Eventually.GetAsync(() => Task.FromResult(bus.Imposed.Count >= Violations ? "" : null),
            $"{Violations} PenaltyImposed events (had {bus.Imposed.Count})", TimeSpan.FromSeconds(90));
        var penalty = new Penalties.PenaltiesClient(system.Channel(ResourceNames.Penalty));
        var hq = system.As("HQ-1", Roles.Hq);
        var fines = new List<Fine>();
        var token = "";
        do
        {
            var page = await penalty.ListFinesAsync(new ListFinesRequest { Filter = new FineFilter { BranchId = branch }, PageSize = 500, PageToken = token }, hq);
            fines.AddRange(page.Fines);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.InRange(finesAtKill, 1, Violations - 1);
        var expected = Enumerable.Range(0, Violations).Select(i => $"V{i:D3}-{suffix}.violator").ToList();
        Assert.Equal(expected, fines.Select(f => f.Id).Order(StringComparer.Ordinal));
        Assert.Equal(expected, bus.Imposed.Keys.Order(StringComparer.Ordinal));
        // One fine, one event each: a relay may publish an entry again after a crash, but always with its one message id.
        Assert.All(bus.Imposed.Values, events => Assert.Single(events));
        var totals = await penalty.GetFineTotalsAsync(new GetFineTotalsRequest { Filter = new FineFilter { BranchId = branch } }, hq);
        Assert.Equal(((long)Violations, (Violations * 5_000).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)), (totals.Count, totals.Amount));
    }
}
