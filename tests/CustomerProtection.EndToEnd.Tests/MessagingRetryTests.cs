using CustomerProtection.Messaging;
using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Storage;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// The services' shared consumer retry policy (ServiceDefaults <c>AddMessaging</c>) on the running
/// system's real RabbitMQ: a host of the test's own, configured exactly as a service is, counts how
/// often its consumer is invoked. A refusal that no retry can change (bad input, a policy refusal, a
/// scope refusal) is consumed once and faults at once; a transient failure is still retried.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class MessagingRetryTests(SystemFixture system) : IAsyncLifetime
{
    private readonly ProbeLog _log = new();
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration[$"ConnectionStrings:{ResourceNames.Messaging}"] = await system.App.GetConnectionStringAsync(ResourceNames.Messaging);
        var redis = await ConnectionMultiplexer.ConnectAsync((await system.App.GetConnectionStringAsync(ResourceNames.Redis))!);
        builder.Services.AddSingleton<IConnectionMultiplexer>(redis);
        builder.Services.AddSingleton(_log);
        builder.AddMessaging("e2e-retry-" + Guid.NewGuid().ToString("N")[..8], bus =>
        {
            bus.AddConsumer<ProbeConsumer>();
            bus.AddConsumer<ProbeFaultConsumer>();
        });
        // Publish only once the queues are bound to their exchanges, or the first probe is dropped.
        builder.Services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true);
        _host = builder.Build();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _host.StartAsync(cts.Token);
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        await (_host.Services.GetRequiredService<IConnectionMultiplexer>()).DisposeAsync();
        _host.Dispose();
    }

    [Theory]
    [InlineData(ProbeFailure.BadInput, typeof(RequestValidationException))]
    [InlineData(ProbeFailure.PolicyRefusal, typeof(PolicyRefusalException))]
    [InlineData(ProbeFailure.ScopeDenied, typeof(ScopeDeniedException))]
    public async Task A_message_refused_for_good_is_consumed_once_and_faults_without_retries(ProbeFailure failure, Type refusal)
    {
        var probe = new RetryProbe(Guid.NewGuid(), failure);

        await _host.Services.GetRequiredService<IBus>().Publish(probe);
        var fault = await Eventually.GetAsync(() => Task.FromResult(_log.Faults.GetValueOrDefault(probe.Id)), $"the fault of {failure}");

        Assert.Equal(1, _log.Attempts[probe.Id]);
        Assert.Equal(refusal.FullName, fault);
    }

    [Fact]
    public async Task A_transient_failure_is_still_retried_and_then_succeeds()
    {
        var probe = new RetryProbe(Guid.NewGuid(), ProbeFailure.TransientOnce);

        await _host.Services.GetRequiredService<IBus>().Publish(probe);
        await Eventually.GetAsync(() => Task.FromResult(_log.Succeeded.ContainsKey(probe.Id) ? "" : null), "the retried probe");

        Assert.Equal(2, _log.Attempts[probe.Id]);
        Assert.False(_log.Faults.ContainsKey(probe.Id));
    }

    public enum ProbeFailure
    {
        BadInput,
        PolicyRefusal,
        ScopeDenied,
        TransientOnce,
    }

    public sealed record RetryProbe(Guid Id, ProbeFailure Failure);

    public sealed class ProbeLog
    {
        public ConcurrentDictionary<Guid, int> Attempts { get; } = new();
        public ConcurrentDictionary<Guid, bool> Succeeded { get; } = new();
        public ConcurrentDictionary<Guid, string> Faults { get; } = new();
    }

    public sealed class ProbeConsumer(ProbeLog log) : IConsumer<RetryProbe>
    {
        public Task Consume(ConsumeContext<RetryProbe> context)
        {
            var probe = context.Message;
            var attempt = log.Attempts.AddOrUpdate(probe.Id, 1, (_, n) => n + 1);
            switch (probe.Failure)
            {
                case ProbeFailure.BadInput:
                    throw new RequestValidationException(new FieldViolation("violator.employee_id", "required"));
                case ProbeFailure.PolicyRefusal:
                    throw new PolicyRefusalException("P-14", "before the policy took effect");
                case ProbeFailure.ScopeDenied:
                    throw new ScopeDeniedException("not allowed");
                case ProbeFailure.TransientOnce when attempt == 1:
                    throw new RedisConnectionException(ConnectionFailureType.SocketFailure, "the connection dropped");
                default:
                    log.Succeeded[probe.Id] = true;
                    return Task.CompletedTask;
            }
        }
    }

    /// <summary>MassTransit publishes Fault&lt;T&gt; once the retry policy gives up: the moment to count the attempts.</summary>
    public sealed class ProbeFaultConsumer(ProbeLog log) : IConsumer<Fault<RetryProbe>>
    {
        public Task Consume(ConsumeContext<Fault<RetryProbe>> context)
        {
            log.Faults[context.Message.Message.Id] = context.Message.Exceptions.Single().ExceptionType;
            return Task.CompletedTask;
        }
    }
}
