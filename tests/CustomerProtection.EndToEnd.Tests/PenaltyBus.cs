using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using CustomerProtection.Contracts.Penalty;
using CustomerProtection.Contracts.Violations;
using CustomerProtection.Platform.V1;
using CustomerProtection.Policy.Actors;
using MassTransit;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// The test's own MassTransit bus on the running system's RabbitMQ: it publishes violation events as
/// Territory, Registration and Arbitration do, and listens to what the Penalty service publishes
/// (PenaltyImposed, PenaltySettled) on a queue of its own, keeping every message id per fine. It
/// also keeps the ViolationDetected events it sees, so a test can redeliver one a service published.
/// </summary>
public sealed class PenaltyBus : IAsyncDisposable
{
    private readonly IBusControl _bus;

    private PenaltyBus(IBusControl bus) => _bus = bus;

    /// <summary>Message ids of every PenaltyImposed seen, per fine id (a relay may redeliver one id; two ids would be two fines).</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<Guid, PenaltyImposed>> Imposed { get; } = new();

    public ConcurrentDictionary<string, PenaltySettled> Settled { get; } = new();

    /// <summary>Every ViolationDetected seen on the bus, per violation id and message id (two ids would be two publications).</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<Guid, ViolationDetected>> Detections { get; } = new();

    public static async Task<PenaltyBus> StartAsync(SystemFixture system)
    {
        var connectionString = await system.App.GetConnectionStringAsync(ResourceNames.Messaging)
            ?? throw new InvalidOperationException("no messaging connection string");
        PenaltyBus? self = null;
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(new Uri(connectionString));
            rabbit.ReceiveEndpoint("e2e-penalty-" + Guid.NewGuid().ToString("N")[..8], endpoint =>
            {
                endpoint.AutoDelete = true;
                endpoint.Durable = false;
                endpoint.Handler<PenaltyImposed>(context =>
                {
                    self!.Imposed.GetOrAdd(context.Message.FineId, _ => new())[context.MessageId ?? Guid.Empty] = context.Message;
                    return Task.CompletedTask;
                });
                endpoint.Handler<PenaltySettled>(context =>
                {
                    self!.Settled[context.Message.FineId] = context.Message;
                    return Task.CompletedTask;
                });
                endpoint.Handler<ViolationDetected>(context =>
                {
                    self!.Detections.GetOrAdd(context.Message.ViolationId, _ => new())[context.MessageId ?? Guid.Empty] = context.Message;
                    return Task.CompletedTask;
                });
            });
        });
        self = new PenaltyBus(bus);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await bus.StartAsync(cts.Token);
        return self;
    }

    public Task PublishAsync<T>(T message) where T : class => _bus.Publish(message);

    /// <summary>The system's time (the shared clock other test classes move), for the facts' timestamps.</summary>
    public static async Task<DateTimeOffset> NowAsync(SystemFixture system) =>
        (await new Clock.ClockClient(system.Channel(ResourceNames.Penalty)).GetTimeAsync(new GetTimeRequest(), system.As("HQ-1", Roles.Hq))).Now.ToDateTimeOffset();

    public static ViolationDetected Detected(string violationId, string violator, string branch, string? manager, decimal shipments, DateTimeOffset at) => new(
        violationId,
        "P-5",
        "poaching",
        new ViolationParty(violator, Roles.Salesperson, branch, "R-E2E", manager),
        "VICTIM-" + violator,
        "C-" + violationId,
        "title:" + violationId,
        shipments,
        "sale recorded in the ledger to a customer protected for another salesperson",
        ResourceNames.Territory,
        at);

    public static ViolationConfirmed Confirmed(string violationId, string violator, string branch, string? manager, string finding, decimal shipments, DateTimeOffset at) => new(
        violationId,
        "P-5",
        "poaching",
        new ViolationParty(violator, Roles.Salesperson, branch, "R-E2E", manager),
        "CASE-" + violationId,
        finding,
        shipments,
        "decided in the ownership case",
        "HQ-1",
        at);

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}
