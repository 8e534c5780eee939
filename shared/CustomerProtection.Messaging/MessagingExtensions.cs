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

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false));
            configure?.Invoke(bus);
            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
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
                rabbit.Host(new Uri(connectionString), host => host.PublisherConfirmation = true);
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
