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
    private async Task KillAsync(CancellationToken cancellationToken)
    {
        var running = await system.App.ResourceNotifications.WaitForResourceAsync(ResourceNames.Penalty,
            e => e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.Properties.Any(p => p.Name == "executable.pid" && p.Value is not null),
            cancellationToken);
        var pid = Convert.ToInt32(running.Snapshot.Properties.First(p => p.Name == "executable.pid").Value, System.Globalization.CultureInfo.InvariantCulture);
        using (var process = Process.GetProcessById(pid))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(cancellationToken);
        }

        await system.App.ResourceNotifications.WaitForResourceAsync(ResourceNames.Penalty, KnownResourceStates.TerminalStates, cancellationToken);
    }

    [Fact]
    public async Task P8_1_killing_and_restarting_the_penalty_service_while_violations_flow_loses_none_and_doubles_none()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var branch = "B-RESTART-" + suffix;
        await using var bus = await PenaltyBus.StartAsync(system);
        var now = await PenaltyBus.NowAsync(system);
        var commands = system.App.Services.GetRequiredService<ResourceCommandService>();
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
        await KillAsync(timeout.Token);
        var finesAtKill = bus.Imposed.Count;

        var started = await commands.ExecuteCommandAsync(ResourceNames.Penalty, KnownResourceCommands.StartCommand, timeout.Token);
        Assert.True(started.Success, started.Message);
        await system.App.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Penalty, timeout.Token);
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
