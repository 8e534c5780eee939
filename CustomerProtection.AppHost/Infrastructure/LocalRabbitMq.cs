using System.Globalization;
using System.Security.Cryptography;
using CustomerProtection.AppHost.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace CustomerProtection.AppHost.Infrastructure;

/// <summary>
/// rabbitmq-server run by the AppHost. Same connection string shape as Aspire's RabbitMQServerResource
/// (<c>amqp://user:password@host:port</c>, <c>amqps://</c> when it is TLS-only); MassTransit takes the credentials from the URI.
/// </summary>
internal sealed class LocalRabbitMqResource(string name, string command, string workingDirectory, string userName, string password, bool tls)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public string UserName { get; } = userName;

    public ReferenceExpression ConnectionStringExpression => tls
        ? ReferenceExpression.Create($"amqps://{UserName}:{password}@{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}")
        : ReferenceExpression.Create($"amqp://{UserName}:{password}@{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");

    // The same properties Aspire's RabbitMQServerResource offers (MESSAGING_HOST, _PORT, _USERNAME, _PASSWORD, _URI).
    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
    [
        new("Host", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Host)}")),
        new("Port", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Port)}")),
        new("Username", ReferenceExpression.Create($"{UserName}")),
        new("Password", ReferenceExpression.Create($"{password}")),
        new("Uri", ConnectionStringExpression),
    ];
}

internal static class LocalRabbitMq
{
    public const string UserName = "customerprotection";

    public static string PidFile(string dataDirectory) => Path.Combine(dataDirectory, "rabbitmq.pid");

    /// <summary>
    /// Adds the broker and its own epmd. Everything RabbitMQ reads or writes is under <paramref name="dataDirectory"/>
    /// and every listener is on loopback: the AMQP port (picked by DCP, passed as RABBITMQ_NODE_PORT), the Erlang
    /// distribution port and epmd (both picked here, the Erlang side needs them up front). Without its own epmd the
    /// node would leave an <c>epmd -daemon</c> on 0.0.0.0:4369 behind. With certificates (C-4) the AMQP port is a TLS
    /// listener and there is no plain one (<c>listeners.tcp = none</c>).
    /// </summary>
    public static IResourceBuilder<LocalRabbitMqResource> AddLocalRabbitMq(
        this IDistributedApplicationBuilder builder, string name, LocalExecutables executables, string dataDirectory, string instanceId,
        TransportSettings transport)
    {
        var home = Directory.CreateDirectory(Path.Combine(dataDirectory, "home")).FullName;
        var mnesiaBase = Directory.CreateDirectory(Path.Combine(dataDirectory, "mnesia")).FullName;
        var logBase = Directory.CreateDirectory(Path.Combine(dataDirectory, "log")).FullName;

        // Generated once per data folder: RabbitMQ applies default_user/default_pass only when it creates its database.
        var password = OwnerOnlyFile.ReadOrCreate(
            Path.Combine(dataDirectory, "default_pass"), () => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));

        var ports = LocalPorts.TakeFree(3);
        var configFile = Path.Combine(dataDirectory, "rabbitmq.conf");
        OwnerOnlyFile.Write(configFile, string.Join('\n', [
            "# Written by the CustomerProtection AppHost at every start; edits are overwritten.",
            $"default_user = {UserName}",
            $"default_pass = {password}",
            "default_user_tags.administrator = true",
            .. transport.Tls
                ? new[]
                {
                    "listeners.tcp = none",
                    $"listeners.ssl.1 = 127.0.0.1:{ports[2].ToString(CultureInfo.InvariantCulture)}",
                    $"ssl_options.certfile = {transport.CertificatePath}",
                    $"ssl_options.keyfile = {transport.KeyPath ?? transport.CertificatePath}",
                    $"ssl_options.cacertfile = {transport.CaPath ?? "/etc/ssl/certs/ca-certificates.crt"}",
                    // Clients authenticate with the password; they present no certificate.
                    "ssl_options.verify = verify_none",
                    "ssl_options.fail_if_no_peer_cert = false",
                }
                : [],
        ]));
        var enabledPluginsFile = Path.Combine(dataDirectory, "enabled_plugins");
        File.WriteAllText(enabledPluginsFile, "[].\n");
        // An empty env file, so /etc/rabbitmq/rabbitmq-env.conf of the machine cannot change this node.
        var envFile = Path.Combine(dataDirectory, "rabbitmq-env.conf");
        File.WriteAllText(envFile, "# Intentionally empty: the AppHost sets the environment.\n");

        var epmdPort = ports[0].ToString(CultureInfo.InvariantCulture);
        var distPort = ports[1].ToString(CultureInfo.InvariantCulture);

        var epmdHealthCheckKey = $"{name}-epmd_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            epmdHealthCheckKey, _ => new EpmdHealthCheck(ports[0]), failureStatus: null, tags: null));
        var epmd = builder.AddExecutable($"{name}-epmd", executables.Epmd, dataDirectory, "-port", epmdPort, "-address", "127.0.0.1")
            .WithEnvironment("ERL_EPMD_PORT", epmdPort)
            .WithHealthCheck(epmdHealthCheckKey);

        var rabbit = new LocalRabbitMqResource(name, executables.RabbitMqServer, dataDirectory, UserName, password, transport.Tls);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(rabbit, async (_, cancellationToken) =>
        {
            connectionString = await ((IResourceWithConnectionString)rabbit).GetConnectionStringAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new DistributedApplicationException($"The connection string of '{name}' was null.");
        });

        var healthCheckKey = $"{name}_check";
        IConnection? connection = null;
        builder.Services.AddHealthChecks().AddRabbitMQ(
            async _ =>
            {
                if (connection is { IsOpen: true })
                {
                    return connection;
                }

                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }

                var factory = new ConnectionFactory
                {
                    Uri = new Uri(connectionString ?? throw new InvalidOperationException($"The connection string of '{name}' is not available yet.")),
                    AutomaticRecoveryEnabled = false,
                };
                if (transport.CaPath is { } ca)
                {
                    // amqps:// turned TLS on; the broker's certificate is checked against the private CA as the services check it.
                    factory.Ssl.CertificateValidationCallback = PrivateCa.Validator(ca);
                }

                connection = await factory.CreateConnectionAsync().ConfigureAwait(false);
                return connection;
            },
            name: healthCheckKey);

        var resource = builder.AddResource(rabbit)
            // Reached directly, not through DCP's proxy (every message would cross one more process).
            // With TLS the port is in the config file's ssl listener; RABBITMQ_NODE_PORT would open a plain one.
            .WithEndpoint(name: LocalRabbitMqResource.PrimaryEndpointName, scheme: "tcp", env: transport.Tls ? null : "RABBITMQ_NODE_PORT",
                port: ports[2], targetPort: ports[2], isProxied: false)
            .WithEnvironment(context =>
            {
                var env = context.EnvironmentVariables;
                env["HOME"] = home; // holds the Erlang cookie
                env["RABBITMQ_NODENAME"] = $"cp-{instanceId}@localhost";
                if (!transport.Tls)
                {
                    env["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
                }

                // Explicit: the default (AMQP port + 20000) overflows for DCP's high ports.
                env["RABBITMQ_DIST_PORT"] = distPort;
                env["ERL_EPMD_PORT"] = epmdPort;
                // Distribution on loopback only, and never start an epmd of its own (ours is waited for).
                env["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false";
                env["RABBITMQ_MNESIA_BASE"] = mnesiaBase;
                env["RABBITMQ_LOG_BASE"] = logBase;
                env["RABBITMQ_LOGS"] = "-"; // to stdout, i.e. the dashboard
                env["RABBITMQ_ENABLED_PLUGINS_FILE"] = enabledPluginsFile;
                env["RABBITMQ_CONFIG_FILE"] = configFile;
                env["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(dataDirectory, "advanced.config");
                env["RABBITMQ_CONF_ENV_FILE"] = envFile;
                env["RABBITMQ_PID_FILE"] = PidFile(dataDirectory);
            })
            .WaitFor(epmd)
            .WithHealthCheck(healthCheckKey);

        epmd.WithParentRelationship(resource);
        return resource;
    }
}
