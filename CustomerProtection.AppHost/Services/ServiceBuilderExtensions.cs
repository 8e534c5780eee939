using System.Globalization;
using CustomerProtection.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace CustomerProtection.AppHost.Services;

internal static class ServiceBuilderExtensions
{
    /// <summary>
    /// Adds one CustomerProtection service with three Kestrel endpoints: <see cref="ResourceNames.HttpEndpoint"/>
    /// (HTTP/1.1, the /health and /alive probes), <see cref="ResourceNames.GrpcEndpoint"/> (HTTP/2 only, so gRPC
    /// works in cleartext: h2c has no protocol negotiation) and <see cref="ResourceNames.ApiEndpoint"/> (the JSON routes
    /// and the OpenAPI document, HTTP/1.1). Both have scheme http, so service discovery hands out
    /// <c>http://</c> URLs that a gRPC channel uses as h2c — unless a certificate is configured
    /// (<see cref="TransportSettings"/>): then the gRPC endpoint is https, and the probe endpoint answers only probes.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddCustomerProtectionService<TProject>(
        this IDistributedApplicationBuilder builder,
        string name,
        CustomerProtectionInfrastructure infrastructure,
        SharedServiceSettings settings,
        TransportSettings transport,
        ReplicaSettings replicas)
        where TProject : IProjectMetadata, new()
    {
        // No launch profile and no Kestrel section from appsettings: the endpoints below are the whole truth.
        var service = builder.AddProject<TProject>(name, options =>
            {
                options.ExcludeLaunchProfile = true;
                options.ExcludeKestrelEndpoints = true;
            });
        var (httpPort, grpcPort, apiPort) = DirectPorts(builder);
        var count = replicas.Of(name);
        if (count > 1)
        {
            // N processes cannot share one port: DCP's proxy listens on the service's port and spreads the
            // connections over the replicas, each on a port DCP gives it (targetPort null).
            service = service.WithReplicas(count);
        }

        var (httpTarget, grpcTarget, apiTarget, proxied) = count > 1 ? (null, null, null, true) : (httpPort, grpcPort, apiPort, httpPort is null);
        service = service.WithHttpEndpoint(name: ResourceNames.HttpEndpoint, port: httpPort, targetPort: httpTarget, isProxied: proxied);
        service = transport.Tls
            ? service.WithHttpsEndpoint(name: ResourceNames.GrpcEndpoint, port: grpcPort, targetPort: grpcTarget, isProxied: proxied)
                .WithHttpsEndpoint(name: ResourceNames.ApiEndpoint, port: apiPort, targetPort: apiTarget, isProxied: proxied)
                .WithTransportSecurity(transport)
            : service.WithHttpEndpoint(name: ResourceNames.GrpcEndpoint, port: grpcPort, targetPort: grpcTarget, isProxied: proxied)
                .WithHttpEndpoint(name: ResourceNames.ApiEndpoint, port: apiPort, targetPort: apiTarget, isProxied: proxied);
        return service
            .WithEndpoint(ResourceNames.GrpcEndpoint, endpoint => endpoint.Transport = "http2")
            // Otherwise Aspire also sets ASPNETCORE_URLS for all three, which Kestrel overrides with a warning.
            .WithEndpointsInEnvironment(_ => false)
            .WithKestrelEndpoint(ResourceNames.HttpEndpoint, "Http1", "http")
            .WithKestrelEndpoint(ResourceNames.GrpcEndpoint, "Http2", transport.Tls ? "https" : "http")
            // JSON clients speak HTTP/1.1; over TLS, ALPN lets an HTTP/2 client use the same port (docs/api.md).
            .WithKestrelEndpoint(ResourceNames.ApiEndpoint, transport.Tls ? "Http1AndHttp2" : "Http1", transport.Tls ? "https" : "http")
            .WithHttpHealthCheck("/health", endpointName: ResourceNames.HttpEndpoint)
            .WithReference(infrastructure.Redis).WaitFor(infrastructure.Redis)
            .WithReference(infrastructure.Messaging).WaitFor(infrastructure.Messaging)
            .WithSharedSettings(settings);
    }

    /// <summary>
    /// Run locally, a service listens on ports of its own that its callers reach directly, without DCP's
    /// proxy in between: the proxy copies every byte of every call through one more process (measured
    /// at about a third of a core at 4,000 calls/s on the 2-core machine, and a hop in every call's
    /// latency), and with one replica per service its balancing buys nothing. A deployment has no DCP:
    /// there the ports are the platform's (null).
    /// </summary>
    private static (int? Http, int? Grpc, int? Api) DirectPorts(IDistributedApplicationBuilder builder)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return (null, null, null);
        }

        var ports = LocalPorts.TakeFree(3);
        return (ports[0], ports[1], ports[2]);
    }

    private static IResourceBuilder<ProjectResource> WithKestrelEndpoint(
        this IResourceBuilder<ProjectResource> builder, string endpointName, string protocols, string scheme)
    {
        var endpoint = builder.GetEndpoint(endpointName);
        return builder.WithEnvironment(context =>
        {
            // Locally callers connect to localhost; in a container the server must listen on every interface.
            var host = context.ExecutionContext.IsRunMode ? "localhost" : "*";
            context.EnvironmentVariables[$"Kestrel__Endpoints__{endpointName}__Url"] =
                ReferenceExpression.Create($"{scheme}://{host}:{endpoint.Property(EndpointProperty.TargetPort)}");
            context.EnvironmentVariables[$"Kestrel__Endpoints__{endpointName}__Protocols"] = protocols;
        });
    }

    /// <summary>Kestrel's default certificate (used by every https endpoint) and the CA the service trusts when it calls.</summary>
    private static IResourceBuilder<ProjectResource> WithTransportSecurity(
        this IResourceBuilder<ProjectResource> builder, TransportSettings transport)
    {
        builder.WithEnvironment("Kestrel__Certificates__Default__Path", transport.CertificatePath);
        if (transport.KeyPath is { } key)
        {
            builder.WithEnvironment("Kestrel__Certificates__Default__KeyPath", key);
        }

        if (transport.CaPath is { } ca)
        {
            builder.WithEnvironment(EnvironmentName(SharedConfigKeys.TransportCaCertificatePath), ca);
        }

        return builder;
    }

    private static IResourceBuilder<ProjectResource> WithSharedSettings(
        this IResourceBuilder<ProjectResource> builder, SharedServiceSettings settings)
    {
        // Aspire passes no environment name to projects; without it a service runs as Production.
        builder.WithEnvironment("ASPNETCORE_ENVIRONMENT", settings.EnvironmentName)
            .WithEnvironment(EnvironmentName(SharedConfigKeys.AuthAudience), settings.Audience)
            .WithEnvironment(EnvironmentName(SharedConfigKeys.ControllableClock),
                settings.ControllableClock.ToString(CultureInfo.InvariantCulture).ToLowerInvariant());

        // Passed through only when the AppHost is given one (e.g. a load run: --Telemetry:TraceSampleRatio=0.01).
        if (builder.ApplicationBuilder.Configuration[SharedConfigKeys.TraceSampleRatio] is { Length: > 0 } ratio)
        {
            builder.WithEnvironment(EnvironmentName(SharedConfigKeys.TraceSampleRatio), ratio);
        }

        if (settings.Issuer is { } issuer)
        {
            builder.WithEnvironment(EnvironmentName(SharedConfigKeys.AuthIssuer), issuer);
        }

        if (settings.Authority is { } authority)
        {
            builder.WithEnvironment(EnvironmentName(SharedConfigKeys.AuthAuthority), authority);
        }

        if (settings.SigningKey is { } signingKey)
        {
            builder.WithEnvironment(EnvironmentName(SharedConfigKeys.AuthSigningKey), signingKey);
        }

        return builder;
    }

    /// <summary>C-4: the key ring for confidential and secret data at rest (Registration's customer data, Territory's deal terms).</summary>
    public static IResourceBuilder<ProjectResource> WithDataKeys(this IResourceBuilder<ProjectResource> builder, SharedServiceSettings settings)
    {
        if (settings.DataKeys is not { } ring)
        {
            return builder;
        }

        builder.WithEnvironment(EnvironmentName(SharedConfigKeys.ConfidentialityActiveKey), ring.ActiveId);
        foreach (var (id, key) in ring.Keys)
        {
            builder.WithEnvironment(EnvironmentName($"{SharedConfigKeys.ConfidentialityKeys}:{id}"), key);
        }

        return builder;
    }

    /// <summary>
    /// C-8: Registration takes the scheduled backups (it holds the key ring they are encrypted with). The
    /// <c>Backup</c> section is passed on as it is; the folder defaults to <c>&lt;data folder&gt;/backups</c>
    /// (a deployment sets <c>Backup__Directory</c>, on another volume than Redis's).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithBackups(this IResourceBuilder<ProjectResource> builder, IConfiguration configuration, DataDirectory? data)
    {
        foreach (var setting in configuration.GetSection(BackupSection).GetChildren())
        {
            var value = setting.Key == "Directory" && setting.Value is { Length: > 0 } folder ? Path.GetFullPath(folder) : setting.Value;
            builder.WithEnvironment(EnvironmentName($"{BackupSection}:{setting.Key}"), value);
        }

        if (string.IsNullOrWhiteSpace(configuration[$"{BackupSection}:Directory"]) && data is not null)
        {
            builder.WithEnvironment(EnvironmentName($"{BackupSection}:Directory"), Path.Combine(data.Root, "backups"));
        }

        return builder;
    }

    private const string BackupSection = "Backup";

    /// <summary><c>Auth:SigningKey</c> → <c>Auth__SigningKey</c>, the environment form of a configuration key.</summary>
    private static string EnvironmentName(string configurationKey) => configurationKey.Replace(":", "__", StringComparison.Ordinal);
}
