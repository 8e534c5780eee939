using CustomerProtection.ServiceDefaults;
using CustomerProtection.ServiceDefaults.Api;
using CustomerProtection.ServiceDefaults.Errors;
using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every CustomerProtection service shares (the eShop ServiceDefaults shape): telemetry,
/// health, service discovery, resilience, authentication, the Redis connection and gRPC plumbing.
/// A service's Program.cs calls <see cref="AddServiceDefaults"/> and <see cref="MapDefaultEndpoints"/>, and beside
/// them what it uses of the shared parts: the policy in force (CustomerProtection.Time), messaging
/// (CustomerProtection.Messaging), storage (CustomerProtection.Storage).
/// </summary>
public static class ServiceDefaultsExtensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    /// <param name="serviceName">The resource name (registration, territory, ...): names keys, queues and telemetry.</param>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, string serviceName) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton(new ServiceIdentity(serviceName));
        // A stop (Ctrl+C, a rolling update) often finds Redis or the broker already gone: the AppHost stops everything
        // at once, and Redis is usually first. A request or a consumer in flight then waits out its Redis call's
        // timeout (5 s), and the host's default stop waits for each hosted service in turn, up to 30 s. Stopped
        // together and given 3 s, a service exits promptly (docs/running.md). Nothing acknowledged depends on a clean
        // stop: writes are atomic in Redis, the outbox relays what was not sent, an unacknowledged message comes again.
        builder.Services.Configure<HostOptions>(options =>
        {
            options.ServicesStopConcurrently = true;
            options.ShutdownTimeout = TimeSpan.FromSeconds(3);
        });
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.AddTransportSecurity();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        // Redis commands are traced by RedisCommandSpans (sampled traces only), not by Aspire's instrumentation.
        builder.AddRedisClient(CustomerProtection.ResourceNames.Redis, settings => settings.DisableTracing = true, options =>
        {
            // Replies are read on the .NET thread pool, not on StackExchange.Redis's ten dedicated threads:
            // on two cores shared by four services, Redis and RabbitMQ, fewer threads to wake per reply
            // (sale authorisation 3,979–4,262/s → 4,764–5,397/s in the runs after warm-up; docs/territory.md).
            // Safe because nothing here blocks a pool thread on Redis (every call is awaited).
            options.SocketManager = StackExchange.Redis.SocketManager.ThreadPool;
            // C-4: a TLS Redis (ssl=true in the connection string) signed by the private CA is checked against it.
            if (builder.Configuration[CustomerProtection.SharedConfigKeys.TransportCaCertificatePath] is { Length: > 0 } ca)
            {
                options.CertificateValidation += CustomerProtection.PrivateCa.Validator(ca);
            }
        });
        // The first hosted service: keys of an earlier layout are moved under the service's hash tag before anything reads them.
        builder.Services.AddHostedService(services => new KeySpaceMigration(
            services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(), serviceName, services.GetRequiredService<ILogger<KeySpaceMigration>>()));
        builder.Services.AddHostedService<RedisCommandSpans.Registration>();
        builder.AddCustomerProtectionAuthentication();

        builder.Services.AddSingleton<AccountAccessInterceptor>();
        var grpc = builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<DomainErrorInterceptor>();
            // C-7, C-9: a frozen or departed account is refused by every RPC (each service registers its IAccountStates).
            options.Interceptors.Add<AccountAccessInterceptor>();
            // Then the edge limits (their refusal becomes InvalidArgument by the error interceptor), before every service's own.
            options.Interceptors.Add<CustomerProtection.ServiceDefaults.Validation.EdgeLimitInterceptor>();
            // Bad input is the caller's to fix: say what is wrong, never a stack trace.
            options.EnableDetailedErrors = false;
        });
        grpc.AddJsonApi(builder, serviceName);
        // The gRPC health service reports the same checks as /health (one registry).
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddGrpcReflection();
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddSingleton<RedisCommandSpans>();
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                // ASP.NET Core's request durations and open requests (Hosting), its connections (Kestrel),
                // unhandled exceptions (Diagnostics) and the calls to other services (System.Net.Http).
                // Not the other meters that AddAspNetCoreInstrumentation turns on: .NET 10's memory pool
                // meter counts every buffer rented and returned, and with routing, authentication and
                // authorization it is work on every call that no one reads. Measured on the 2-core machine,
                // sale authorisation at 64 callers: 5,141–6,072/s (p99 25–29 ms) with them, 6,602–7,268/s
                // (p99 20–21 ms) without; the memory pool's meter alone took it to 3,977–5,607/s (docs/territory.md).
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics", "System.Net.Http")
                .AddRuntimeInstrumentation()
                .AddMeter("MassTransit", CustomerProtection.ServiceDefaults.Telemetry.MeterName))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, "MassTransit", CustomerProtection.ServiceDefaults.Telemetry.ActivitySourceName, RedisCommandSpans.ActivitySourceName)
                .AddAspNetCoreInstrumentation(aspnet =>
                    // Probes every few seconds would bury the real traces.
                    aspnet.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath)
                        && !context.Request.Path.StartsWithSegments("/grpc.health.v1.Health"))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation()
                .SetSampler(TraceSampling.FromConfiguration(builder.Configuration))
                .AddProcessor(services => services.GetRequiredService<RedisCommandSpans>()));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // The exporter retries a failed export until its timeout (10 s by default), and at a stop it flushes: when
            // the collector went first — the dashboard stops with the AppHost on Ctrl+C — a service lingered 8–10 s
            // after its host had stopped, retrying. Two seconds is plenty for a collector that answers.
            if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_TIMEOUT"]))
            {
                builder.Configuration["OTEL_EXPORTER_OTLP_TIMEOUT"] = "2000";
            }

            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.TryAddSingleton<LoopHealth>();
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"])
            .AddCheck<LoopHealth>("background-loops");
        return builder;
    }

    /// <summary>
    /// Health (/health: everything the service needs; /alive: the process answers), gRPC health and
    /// reflection (anonymous: they reveal nothing about customers).
    /// Mapped in every environment: Aspire sets no ASPNETCORE_ENVIRONMENT on projects, and a probe
    /// that exists only in Development would leave the service "unhealthy" forever.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseTransportSecurity();
        // Before authorization: its fallback policy (an authenticated caller) also covers requests no endpoint takes.
        app.MapJsonApi();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthChecks(HealthEndpointPath).AllowAnonymous();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") }).AllowAnonymous();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService().AllowAnonymous();
        return app;
    }
}
