using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using CustomerProtection.Contracts.Penalty;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Contracts.Violations;
using MassTransit;

namespace CustomerProtection.EndToEnd.Tests.Faults;

/// <summary>
/// The test's own listener on the system's RabbitMQ: every ViolationDetected (Territory) and PenaltyImposed
/// (Penalty) of the scenario's employees, and Registration's FilingApproved and ProtectionLapsed of their
/// customers, by message id. A relay may publish an outbox entry again after a
/// fault, always under the entry's one message id; a second message id for one violation or one fine would be
/// an event applied twice. Its queue is durable and not auto-deleted, so it outlives a broker's crash with what
/// the broker had confirmed in it, and the listener reconnects after the broker comes back.
/// </summary>
internal sealed class EventObserver : IAsyncDisposable
{
    private readonly IBusControl _bus;

    private EventObserver(IBusControl bus) => _bus = bus;

    /// <summary>Message ids per violation id.</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<Guid, byte>> Detected { get; } = new();

    /// <summary>Message ids per fine id.</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<Guid, byte>> Imposed { get; } = new();

    /// <summary>FilingApproved message ids per customer id (the owner is the scenario's).</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<Guid, byte>> Approved { get; } = new();

    /// <summary>ProtectionLapsed message ids per customer id (the former owner is the scenario's).</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<Guid, byte>> Lapsed { get; } = new();

    public static async Task<EventObserver> StartAsync(SystemFixture system, Func<string, bool> isOurs)
    {
        var connectionString = await system.App.GetConnectionStringAsync(ResourceNames.Messaging)
            ?? throw new InvalidOperationException("no messaging connection string");
        EventObserver? self = null;
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(new Uri(connectionString));
            rabbit.ReceiveEndpoint("faults-observer-" + Guid.NewGuid().ToString("N")[..8], endpoint =>
            {
                endpoint.Durable = true;
                endpoint.AutoDelete = false;
                // Gone five minutes after its last consumer: no queue of a finished test fills up in the broker.
                endpoint.SetQueueArgument("x-expires", (int)TimeSpan.FromMinutes(5).TotalMilliseconds);
                endpoint.Handler<ViolationDetected>(context =>
                {
                    if (isOurs(context.Message.Violator.EmployeeId))
                    {
                        self!.Detected.GetOrAdd(context.Message.ViolationId, _ => new())[context.MessageId ?? Guid.Empty] = 0;
                    }

                    return Task.CompletedTask;
                });
                endpoint.Handler<PenaltyImposed>(context =>
                {
                    if (isOurs(context.Message.EmployeeId))
                    {
                        self!.Imposed.GetOrAdd(context.Message.FineId, _ => new())[context.MessageId ?? Guid.Empty] = 0;
                    }

                    return Task.CompletedTask;
                });
                endpoint.Handler<FilingApproved>(context =>
                {
                    if (isOurs(context.Message.OwnerId))
                    {
                        self!.Approved.GetOrAdd(context.Message.CustomerId, _ => new())[context.MessageId ?? Guid.Empty] = 0;
                    }

                    return Task.CompletedTask;
                });
                endpoint.Handler<ProtectionLapsed>(context =>
                {
                    if (isOurs(context.Message.FormerOwnerId))
                    {
                        self!.Lapsed.GetOrAdd(context.Message.CustomerId, _ => new())[context.MessageId ?? Guid.Empty] = 0;
                    }

                    return Task.CompletedTask;
                });
            });
        });
        self = new EventObserver(bus);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await bus.StartAsync(cts.Token);
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _bus.StopAsync(cts.Token);
    }
}
