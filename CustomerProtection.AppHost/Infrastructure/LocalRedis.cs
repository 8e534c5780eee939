using CustomerProtection.AppHost.Services;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CustomerProtection.AppHost.Infrastructure;

/// <summary>
/// redis-server run by the AppHost. Same connection string shape as Aspire's RedisResource (<c>host:port</c>), so
/// a service's <c>builder.AddRedisClient("redis")</c> cannot tell the difference; <c>host:port,ssl=true</c> when it is TLS-only.
/// </summary>
internal sealed class LocalRedisResource(string name, string command, string workingDirectory, bool tls)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public ReferenceExpression ConnectionStringExpression => tls
        ? ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},ssl=true")
        : ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");

    // The same properties Aspire's RedisResource offers (REDIS_HOST, REDIS_PORT, REDIS_URI), minus the password.
    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
    [
        new("Host", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Host)}")),
        new("Port", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Port)}")),
        new("Uri", tls
            ? ReferenceExpression.Create($"rediss://{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}")
            : ReferenceExpression.Create($"redis://{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}")),
    ];
}

internal static class LocalRedis
{
    public static string PidFile(string dataDirectory) => Path.Combine(dataDirectory, "redis.pid");

    /// <summary>
    /// Adds redis-server on a free loopback port (LocalPorts picks it; it reaches the server as <c>--port</c>), with AOF on
    /// and <c>appendfsync always</c> as the only durability (architecture.md: Redis is the system of record), and the
    /// standard Redis health check so <c>WaitFor</c> waits until it answers. With certificates (C-4) the port is
    /// TLS-only (<c>--port 0 --tls-port</c>): a plain connection gets nothing.
    /// </summary>
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(
        this IDistributedApplicationBuilder builder, string name, string redisServer, string dataDirectory, TransportSettings transport)
    {
        Directory.CreateDirectory(dataDirectory);
        var redis = new LocalRedisResource(name, redisServer, dataDirectory, transport.Tls);
        var port = LocalPorts.TakeFree(1)[0];

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, cancellationToken) =>
        {
            connectionString = await ((IResourceWithConnectionString)redis).GetConnectionStringAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new DistributedApplicationException($"The connection string of '{name}' was null.");
        });

        var healthCheckKey = $"{name}_check";
        IConnectionMultiplexer? healthConnection = null;
        builder.Services.AddHealthChecks().AddRedis(
            _ => healthConnection ??= Connect(connectionString ?? throw new InvalidOperationException($"The connection string of '{name}' is not available yet."), transport),
            name: healthCheckKey);

        return builder.AddResource(redis)
            // Reached directly, not through DCP's proxy: every command of every service would cross one more process.
            .WithEndpoint(name: LocalRedisResource.PrimaryEndpointName, scheme: "tcp", port: port, targetPort: port, isProxied: false)
            .WithArgs(context =>
            {
                if (transport.Tls)
                {
                    context.Args.Add("--port");
                    context.Args.Add("0");
                    context.Args.Add("--tls-port");
                    context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                    context.Args.Add("--tls-cert-file");
                    context.Args.Add(transport.CertificatePath!);
                    context.Args.Add("--tls-key-file");
                    context.Args.Add(transport.KeyPath ?? transport.CertificatePath!);
                    // Redis wants a CA even when clients present no certificate: the private one, else the machine's.
                    context.Args.Add(transport.CaPath is null ? "--tls-ca-cert-dir" : "--tls-ca-cert-file");
                    context.Args.Add(transport.CaPath ?? "/etc/ssl/certs");
                    context.Args.Add("--tls-auth-clients");
                    context.Args.Add("no");
                }
                else
                {
                    context.Args.Add("--port");
                    context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                }

                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--protected-mode");
                context.Args.Add("yes");
                context.Args.Add("--dir");
                context.Args.Add(dataDirectory);
                context.Args.Add("--appendonly");
                context.Args.Add("yes");
                context.Args.Add("--appendfsync");
                context.Args.Add("always");
                // No RDB snapshots: the AOF is the durability, a second copy would only cost fork()s.
                context.Args.Add("--save");
                context.Args.Add("");
                // Memory per customer (docs/registration.md): a customer's hash — its JSON, history and progress
                // entries of up to 1 KB each — stays one compact listpack; Registration's near-duplicate candidate
                // sets stay compact integer sets up to the 5,001 members they are capped at.
                context.Args.Add("--hash-max-listpack-value");
                context.Args.Add("1024");
                context.Args.Add("--set-max-intset-entries");
                context.Args.Add("5001");
                context.Args.Add("--pidfile");
                context.Args.Add(PidFile(dataDirectory));
            })
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>The health check's own connection: with TLS, the server is checked against the private CA as the services check it.</summary>
    private static IConnectionMultiplexer Connect(string connectionString, TransportSettings transport)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        if (transport.CaPath is { } ca)
        {
            options.CertificateValidation += PrivateCa.Validator(ca);
        }

        return ConnectionMultiplexer.Connect(options);
    }
}
