using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>The TLS system run as Production, with the dashboard (tests otherwise leave it out).</summary>
public sealed class DashboardSystemFixture : TlsSystemFixture
{
    protected override DistributedApplicationTestingBuilderOptions TestingOptions => new() { EnableDashboard = true };

    protected override IEnumerable<string> ExtraArguments() =>
    [
        .. base.ExtraArguments(),
        "--environment=Production",
        // The http launch profile (Development) opens the dashboard; outside development it must not be.
        "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=false",
    ];
}

/// <summary>
/// C-4 outside development: the dashboard's OTLP endpoint refuses telemetry without the API key, which the
/// AppHost gives the services; its frontend asks for the browser token; and the switch that opens it is refused.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DashboardTests(DashboardSystemFixture system) : IClassFixture<DashboardSystemFixture>
{
    [Fact]
    public async Task C4_outside_development_the_dashboard_refuses_unauthenticated_telemetry_and_the_services_send_the_key()
    {
        Assert.Equal(Environments.Production, system.App.Services.GetRequiredService<IHostEnvironment>().EnvironmentName);

        // What the AppHost started Registration with: the OTLP endpoint and the key header.
        var started = await system.App.ResourceNotifications.WaitForResourceAsync(ResourceNames.Registration,
            e => e.Snapshot.EnvironmentVariables.Any(v => v.Name == "OTEL_EXPORTER_OTLP_HEADERS"));
        var environment = started.Snapshot.EnvironmentVariables.ToDictionary(v => v.Name, v => v.Value ?? "");
        var endpoint = new Uri(environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var header = environment["OTEL_EXPORTER_OTLP_HEADERS"];
        Assert.StartsWith("x-otlp-api-key=", header, StringComparison.Ordinal);
        var key = header["x-otlp-api-key=".Length..];

        // Aspire chooses OTLP/gRPC or OTLP/HTTP for the services; the same request as theirs, with and without the key.
        var grpc = environment.GetValueOrDefault("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc") == "grpc";
        using var http = new HttpClient(new SocketsHttpHandler());
        var context = $"{endpoint} ({environment.GetValueOrDefault("OTEL_EXPORTER_OTLP_PROTOCOL")})";
        using var anonymous = await http.SendAsync(ExportTraces(endpoint, grpc, apiKey: null));
        Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, $"{context}: {anonymous.StatusCode} {await anonymous.Content.ReadAsStringAsync()}");
        using var wrongKey = await http.SendAsync(ExportTraces(endpoint, grpc, apiKey: "not-the-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        using var accepted = await http.SendAsync(ExportTraces(endpoint, grpc, key));
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, $"{context}: {accepted.StatusCode}");
        await accepted.Content.ReadAsByteArrayAsync();
        if (grpc)
        {
            Assert.Equal("0", accepted.TrailingHeaders.GetValues("grpc-status").Single());
        }

        // The frontend: without the browser token, the login page.
        var dashboard = await system.App.GetDashboardUrlAsync();
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var home = await browser.GetAsync(new Uri(dashboard, "/"));
        Assert.Contains("/login", home.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);

        // The telemetry API (telemetry out): without the API key, nothing.
        using var api = await browser.GetAsync(new Uri(dashboard, "/api/telemetry/resources"));
        Assert.True(api.StatusCode == HttpStatusCode.Unauthorized, $"{api.StatusCode} {api.Headers.Location} {await api.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task C4_outside_development_an_apphost_told_to_open_the_dashboard_to_anyone_refuses_to_start()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
            await DistributedApplicationTestingBuilder.CreateAsync<Projects.CustomerProtection_AppHost>(
                ["--environment=Production", "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true", "--Infrastructure:Ephemeral=true", "--Infrastructure:Mode=local"]));
        Assert.Equal("InfrastructureSetupException", refused.GetType().Name);
        Assert.Contains("C-4", refused.Message, StringComparison.Ordinal);
        Assert.Contains("ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>An OTLP trace export with no spans (a valid, empty request), over gRPC or HTTP, with or without the key.</summary>
    private static HttpRequestMessage ExportTraces(Uri endpoint, bool grpc, string? apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, grpc ? "/opentelemetry.proto.collector.trace.v1.TraceService/Export" : "/v1/traces"))
        {
            // gRPC frames the empty message (no compression, length 0); OTLP/HTTP sends it bare.
            Content = new ByteArrayContent(grpc ? [0, 0, 0, 0, 0] : []),
            // gRPC in clear is HTTP/2 with prior knowledge.
            Version = grpc ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new(grpc ? "application/grpc" : "application/x-protobuf");
        if (grpc)
        {
            request.Headers.TryAddWithoutValidation("te", "trailers");
        }

        if (apiKey is not null)
        {
            request.Headers.Add("x-otlp-api-key", apiKey);
        }

        return request;
    }
}
