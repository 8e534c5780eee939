using CustomerProtection.Policy.Errors;
using MassTransit;
using Microsoft.Extensions.Configuration;
using CustomerProtection.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CustomerProtection.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit over RabbitMQ from the Aspire connection string <c>messaging</c>
    /// (amqp://user:pass@host:port), consumer queues prefixed with the service name, the Redis outbox
    /// and its relay. Consumers are registered by <paramref name="configure"/>.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging(this IHostApplicationBuilder builder, string serviceName, Action<IBusRegistrationConfigurator>? configure = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(CustomerProtection.ResourceNames.Messaging)
            ?? throw new InvalidOperationException($"Connection string '{CustomerProtection.ResourceNames.Messaging}' is missing (the AppHost provides it).");

        // Quorum queues are replicated across a RabbitMQ cluster (classic queues are not). The broker
        // places at most one replica per node, so 3 means one replica on a single node and a majority
        // that survives the loss of one node on a cluster of three or more.
        var replicas = builder.Configuration.GetValue("Messaging:QuorumReplicas", 3);
        var broker = new Uri(connectionString);
        // C-4: amqps:// is TLS (the AppHost's broker when certificates are configured), checked against the private CA if one is named.
        var brokerCertificate = broker.Scheme == "amqps" && builder.Configuration[SharedConfigKeys.TransportCaCertificatePath] is { Length: > 0 } ca
            ? PrivateCa.Validator(ca)
            : null;
        var queues = new MessagingQueues(broker, replicas, brokerCertificate);
        builder.Services.AddSingleton(queues);
        // Runs before the bus declares its queues, i.e. before the first inequivalent declaration.
        builder.Services.AddBusObserver<QuorumQueueMigration>();

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false));
            configure?.Invoke(bus);
            bus.AddConfigureEndpointsCallback((_, queue, endpoint) =>
            {
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbitEndpoint)
                {
                    rabbitEndpoint.SetQuorumQueue(replicas);
                    queues.AddEndpoint(queue);
                }

                // A consumer that fails transiently (Redis failover, a restart) gets the message
                // again; consumers are idempotent, so a retry is always safe. A message refused as
                // malformed, against the rules or outside a scope is refused the same way every
                // time: it goes to the _error queue at once instead of holding a consumer slot for
                // ten retries (up to two minutes).
                endpoint.UseMessageRetry(retry =>
                {
                    retry.Exponential(10, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
                    retry.Ignore<RequestValidationException>();
                    retry.Ignore<PolicyRefusalException>();
                    retry.Ignore<ScopeDeniedException>();
                });
            });
            bus.UsingRabbitMq((context, rabbit) =>
            {
                // User and password travel in the URI (aspire-without-containers.md).
                rabbit.Host(broker, host =>
                {
                    host.PublisherConfirmation = true;
                    if (broker.Scheme == "amqps")
                    {
                        host.UseSsl(ssl =>
                        {
                            ssl.ServerName = broker.Host;
                            ssl.CertificateValidationCallback = brokerCertificate;
                        });
                    }
                });
                // The _error and _skipped queues hold the messages an operator must still look at.
                rabbit.SendTopology.ConfigureErrorSettings = settings => settings.SetQuorumQueue(replicas);
                rabbit.SendTopology.ConfigureDeadLetterSettings = settings => settings.SetQuorumQueue(replicas);
                rabbit.ConfigureEndpoints(context);
            });
        });

        builder.Services.AddRedisOutbox(serviceName);
        return builder;
    }
}

public static class RedisOutboxExtensions
{
    public static IServiceCollection AddRedisOutbox(this IServiceCollection services, string serviceName)
    {
        services.AddSingleton(new RedisOutbox(serviceName));
        services.TryAddSingleton<LoopHealth>();
        services.AddHostedService<OutboxRelay>();
        return services;
    }
}
