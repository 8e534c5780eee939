using CustomerProtection.AppHost.Services;
using Microsoft.Extensions.Configuration;

namespace CustomerProtection.AppHost.Infrastructure;

/// <summary>What the services need from the infrastructure: two connection-string resources and the data folder
/// (none when publishing: a deployment brings its own storage and secrets).</summary>
internal sealed record CustomerProtectionInfrastructure(
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<IResourceWithConnectionString> Messaging,
    InfrastructureModeDecision Mode,
    DataDirectory? Data);

internal static class InfrastructureBuilderExtensions
{
    /// <summary>
    /// Redis (<see cref="ResourceNames.Redis"/>) and RabbitMQ (<see cref="ResourceNames.Messaging"/>) as containers
    /// or as local processes (<c>Infrastructure:Mode</c>), with their data in the data folder.
    /// Throws <see cref="InfrastructureSetupException"/> with a message that says what to install or configure.
    /// With certificates (<paramref name="transport"/>) the local servers listen with TLS only (C-4).
    /// </summary>
    public static CustomerProtectionInfrastructure AddCustomerProtectionInfrastructure(this IDistributedApplicationBuilder builder, TransportSettings transport)
    {
        var configuration = builder.Configuration;
        var mode = InfrastructureModeResolver.Resolve(configuration, builder.ExecutionContext.IsPublishMode);

        if (builder.ExecutionContext.IsPublishMode)
        {
            return new(
                builder.AddContainerRedis(ResourceNames.Redis, persistent: true),
                builder.AddContainerRabbitMq(ResourceNames.Messaging, persistent: true),
                mode,
                Data: null);
        }

        // Before anything is created on disk: a missing server is the most likely first-run problem.
        var executables = mode.Mode == InfrastructureMode.Local ? LocalPrerequisites.Find(configuration) : null;

        var data = DataDirectory.Open(
            configuration[InfrastructureConfigKeys.DataDirectory],
            configuration.GetStrictBool(InfrastructureConfigKeys.Ephemeral, defaultValue: false),
            builder.AppHostDirectory);
        builder.Services.AddDataDirectoryLifetime(data, mode);

        if (executables is null)
        {
            return new(
                Existing(builder, ResourceNames.Redis) ?? builder.AddContainerRedis(ResourceNames.Redis, persistent: !data.IsEphemeral),
                Existing(builder, ResourceNames.Messaging) ?? builder.AddContainerRabbitMq(ResourceNames.Messaging, persistent: !data.IsEphemeral),
                mode,
                data);
        }

        return new(
            Existing(builder, ResourceNames.Redis) ?? builder.AddLocalRedis(ResourceNames.Redis, executables.RedisServer, data.Redis, transport),
            Existing(builder, ResourceNames.Messaging) ?? builder.AddLocalRabbitMq(ResourceNames.Messaging, executables, data.RabbitMq, data.InstanceId, transport),
            mode,
            data);
    }

    /// <summary>
    /// A Redis or RabbitMQ that already runs — a Redis Cluster or managed Redis (<c>host:port,host:port,…</c>), a
    /// RabbitMQ cluster (<c>amqp://user:pass@host:port</c>) — given as <c>ConnectionStrings:&lt;name&gt;</c>: the AppHost
    /// starts none of its own and hands the services that connection string (docs/scaling.md).
    /// </summary>
    private static IResourceBuilder<IResourceWithConnectionString>? Existing(IDistributedApplicationBuilder builder, string name) =>
        string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name)) ? null : builder.AddConnectionString(name);
}
