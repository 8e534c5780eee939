using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using CustomerProtection.Messaging;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using StackExchange.Redis;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// Consumer queues are quorum queues (replicated on a RabbitMQ cluster), read from the running broker
/// itself with <c>rabbitmqctl</c>; and a broker holding classic queues of an earlier release is
/// migrated at start-up without losing a message.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class QuorumQueueTests(SystemFixture system)
{
    [Fact]
    public async Task Every_consumer_queue_of_the_running_services_is_a_quorum_queue()
    {
        var queues = await ListQueuesAsync();

        foreach (var service in SystemFixture.Services)
        {
            Assert.Contains(queues, q => q.Name.StartsWith(service + "-", StringComparison.Ordinal));
        }

        // Temporary queues (each bus's own reply queue, the tests' listeners) are auto-delete and
        // stay classic: they hold nothing worth replicating.
        var durable = queues.Where(q => q.Durable && !q.AutoDelete).ToList();
        Assert.All(durable, q => Assert.True(q.Type == "quorum", $"{q.Name} is a {q.Type} queue"));
    }

    [Fact]
    public async Task A_classic_queue_of_an_earlier_release_becomes_a_quorum_queue_and_keeps_its_messages()
    {
        var connectionString = (await system.App.GetConnectionStringAsync(ResourceNames.Messaging))!;
        var prefix = "e2e-quorum-" + Guid.NewGuid().ToString("N")[..8];
        var queue = new KebabCaseEndpointNameFormatter(prefix, includeNamespace: false).Consumer<MigrationProbeConsumer>();
        var probes = new[] { new MigrationProbe(Guid.NewGuid()), new MigrationProbe(Guid.NewGuid()) };

        // What an earlier release left behind: the consumer queue and its exchange as MassTransit
        // declares them by default (classic), holding messages nobody consumed yet, and an empty
        // classic _error queue.
        var sender = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(connectionString)));
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await sender.StartAsync(cts.Token);
        }


        try
        {
            var endpoint = await sender.GetSendEndpoint(new Uri($"queue:{queue}"));
            foreach (var probe in probes)
            {
                await endpoint.Send(probe);
            }
        }
        finally
        {
            await sender.StopAsync();
        }

        await using (var connection = await new ConnectionFactory { Uri = new Uri(connectionString) }.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync(queue + "_error", durable: true, exclusive: false, autoDelete: false);
        }

        var before = (await ListQueuesAsync()).ToDictionary(q => q.Name);
        Assert.Equal(("classic", 2L), (before[queue].Type, before[queue].Messages));
        Assert.Equal("classic", before[queue + "_error"].Type);

        var log = new ConcurrentDictionary<Guid, int>();
        using var host = await StartServiceBusAsync(connectionString, prefix, log);
        try
        {
            foreach (var probe in probes)
            {
                await Eventually.GetAsync(() => Task.FromResult(log.ContainsKey(probe.Id) ? "" : null), $"probe {probe.Id}");
            }

            // Long enough for a duplicate to arrive if the migration had made one.
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.All(probes, probe => Assert.Equal(1, log[probe.Id]));

            var after = (await ListQueuesAsync()).ToDictionary(q => q.Name);
            Assert.Equal("quorum", after[queue].Type);
            Assert.Equal("quorum", after[queue + "_error"].Type);
            Assert.DoesNotContain(queue + QuorumQueueMigration.HoldingSuffix, after.Keys);
        }
        finally
        {
            await host.StopAsync();
            await host.Services.GetRequiredService<IConnectionMultiplexer>().DisposeAsync();
        }
    }

    /// <summary>A host configured exactly as a service is (<c>AddMessaging</c>), with one consumer.</summary>
    private async Task<IHost> StartServiceBusAsync(string connectionString, string serviceName, ConcurrentDictionary<Guid, int> log)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration[$"ConnectionStrings:{ResourceNames.Messaging}"] = connectionString;
        builder.Services.AddSingleton<IConnectionMultiplexer>(
            await ConnectionMultiplexer.ConnectAsync((await system.App.GetConnectionStringAsync(ResourceNames.Redis))!));
        builder.Services.AddSingleton(log);
        builder.AddMessaging(serviceName, bus => bus.AddConsumer<MigrationProbeConsumer>());
        builder.Services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true);
        var host = builder.Build();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(cts.Token);
        return host;
    }

    private sealed record BrokerQueue(string Name, string Type, bool Durable, bool AutoDelete, long Messages);

    /// <summary>
    /// The broker's own view of its queues. Reached as the AppHost runs it (aspire-without-containers.md):
    /// the node name, the Erlang cookie under HOME and the node's own epmd come from the resource's
    /// environment, and the binary is called directly (the /usr/sbin wrapper switches user).
    /// </summary>
    private async Task<List<BrokerQueue>> ListQueuesAsync()
    {
        if (!system.App.ResourceNotifications.TryGetCurrentState(ResourceNames.Messaging, out var state))
        {
            throw new InvalidOperationException("The messaging resource has no state.");
        }

        var environment = state.Snapshot.EnvironmentVariables.ToDictionary(e => e.Name, e => e.Value);
        var start = new ProcessStartInfo("/usr/lib/rabbitmq/bin/rabbitmqctl")
        {
            ArgumentList = { "-n", environment["RABBITMQ_NODENAME"]!, "list_queues", "name", "type", "durable", "auto_delete", "messages", "--formatter", "json", "--quiet" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["HOME"] = environment["HOME"];
        start.Environment["ERL_EPMD_PORT"] = environment["ERL_EPMD_PORT"];
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"rabbitmqctl failed: {await error}");

        using var json = JsonDocument.Parse(await output);
        return json.RootElement.EnumerateArray()
            .Select(q => new BrokerQueue(
                q.GetProperty("name").GetString()!,
                q.GetProperty("type").GetString()!,
                q.GetProperty("durable").GetBoolean(),
                q.GetProperty("auto_delete").GetBoolean(),
                q.GetProperty("messages").ValueKind == JsonValueKind.Number ? q.GetProperty("messages").GetInt64() : 0))
            .ToList();
    }

    public sealed record MigrationProbe(Guid Id);

    public sealed class MigrationProbeConsumer(ConcurrentDictionary<Guid, int> log) : IConsumer<MigrationProbe>
    {
        public Task Consume(ConsumeContext<MigrationProbe> context)
        {
            log.AddOrUpdate(context.Message.Id, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }
    }
}
