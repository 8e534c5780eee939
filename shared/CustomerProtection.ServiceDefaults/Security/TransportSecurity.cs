using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerProtection.ServiceDefaults.Security;

/// <summary>
/// C-4 in transit. Outside development every gRPC endpoint (where customer data travels) must be
/// TLS, and the services call each other over it: a service refuses to start otherwise, unless
/// <c>Transport:AllowInsecure</c> says a mesh terminates TLS in front of it. The plain HTTP/1.1
/// endpoint stays for the orchestrator's probes and answers nothing but them once TLS is on. A private
/// CA (<c>Transport:CaCertificatePath</c>) is trusted by every outgoing call, with full chain and host
/// name validation, instead of turning validation off.
/// </summary>
public static class TransportSecurity
{
    private static readonly string[] ProbePaths = ["/health", "/alive"];

    public static void AddTransportSecurity(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var endpoints = KestrelEndpoints(configuration).ToList();
        // Every endpoint but the probes' carries customer data: gRPC, and the same calls as JSON.
        var insecureGrpc = endpoints.Where(e => !e.Tls && e.Name != CustomerProtection.ResourceNames.HttpEndpoint).ToList();
        if (!builder.Environment.IsDevelopment() && insecureGrpc.Count > 0
            && !configuration.GetValue<bool>(SharedConfigKeys.TransportAllowInsecure))
        {
            throw new InvalidOperationException(
                $"C-4: outside development gRPC and its JSON routes are served over TLS only, but {string.Join(", ", insecureGrpc.Select(e => e.Name + " (" + e.Url + ")"))} " +
                $"is plain HTTP. Give the endpoint an https:// URL and a certificate ({SharedConfigKeys.TransportCertificatePath} in the AppHost, " +
                $"or Kestrel:Certificates:Default), or set {SharedConfigKeys.TransportAllowInsecure}=true when a mesh terminates TLS.");
        }

        if (configuration[SharedConfigKeys.TransportCaCertificatePath] is { Length: > 0 } caPath)
        {
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caPath));
            builder.Services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    CertificateChainPolicy = PrivateCa.ChainPolicy(ca),
                },
                EnableMultipleHttp2Connections = true,
            }));
        }
    }

    /// <summary>
    /// The service-discovery address of another service's gRPC endpoint. The AppHost gives every
    /// service the same transport, so a service whose own endpoints have TLS calls the others over
    /// https, and over h2c otherwise. (A gRPC channel decides on TLS from its address's scheme, so the
    /// mixed <c>https+http://</c> form of service discovery cannot be used here.)
    /// </summary>
    public static Uri GrpcAddress(IConfiguration configuration, string service) =>
        new($"{(KestrelEndpoints(configuration).Any(e => e.Tls) ? "https" : "http")}://_{CustomerProtection.ResourceNames.GrpcEndpoint}.{service}");

    /// <summary>Once any endpoint has TLS, a request that arrives in clear gets only the probes.</summary>
    public static void UseTransportSecurity(this WebApplication app)
    {
        if (!KestrelEndpoints(app.Configuration).Any(e => e.Tls))
        {
            return;
        }

        app.Use(async (context, next) =>
        {
            if (!context.Request.IsHttps && !ProbePaths.Any(p => context.Request.Path.StartsWithSegments(p)))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context);
        });
    }

    private sealed record Endpoint(string Name, string Url, string Protocols)
    {
        public bool Tls => Url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
    }

    private static IEnumerable<Endpoint> KestrelEndpoints(IConfiguration configuration) =>
        configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Where(e => e["Url"] is { Length: > 0 })
            .Select(e => new Endpoint(e.Key, e["Url"]!, e["Protocols"] ?? "Http1AndHttp2"));
}
