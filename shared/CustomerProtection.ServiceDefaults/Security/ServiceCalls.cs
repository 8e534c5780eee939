using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerProtection.ServiceDefaults.Security;

/// <summary>
/// The one way a service authenticates its gRPC calls to another service (docs/design.md,
/// Authentication): a bearer token in the call credentials, and whose token it is says whose rights the
/// callee applies. <see cref="ActForTheCaller"/>: the current request's own token, so the callee applies
/// the caller's rights (Territory asking Registration who owns a customer before a sale).
/// <see cref="ActAsTheService"/>: the service account's token (<see cref="AddServiceAccount"/>), for reads
/// no single caller may make (C-2: Arbitration weighing both parties' evidence) and for workers with no
/// caller at all (a due-queue).
/// </summary>
public static class ServiceCalls
{
    public static IHttpClientBuilder ActForTheCaller(this IHttpClientBuilder client)
    {
        client.Services.AddHttpContextAccessor();
        return client.WithBearer((services, _) =>
        {
            var authorization = services.GetRequiredService<IHttpContextAccessor>().HttpContext?.Request.Headers.Authorization.ToString();
            return ValueTask.FromResult(string.IsNullOrEmpty(authorization) ? null : authorization);
        });
    }

    public static IHttpClientBuilder ActAsTheService(this IHttpClientBuilder client) =>
        client.WithBearer(async (services, cancellationToken) => "Bearer " + await services.GetRequiredService<IServiceToken>().GetAsync(cancellationToken));

    /// <summary>
    /// The service account's token (<see cref="IServiceToken"/>), from section <paramref name="accountKey"/>:
    /// with <c>Auth:Authority</c> (production) the client-credentials grant with its <c>ClientId</c>,
    /// <c>ClientSecret</c> and optional <c>Scope</c>; otherwise (development, tests) a token minted with
    /// <c>Auth:SigningKey</c> for its <c>EmployeeId</c> (default <paramref name="developmentAccountId"/>).
    /// </summary>
    public static IHostApplicationBuilder AddServiceAccount(this IHostApplicationBuilder builder, string accountKey, string developmentAccountId)
    {
        var config = builder.Configuration;
        var account = config.GetSection(accountKey);
        var authority = config[SharedConfigKeys.AuthAuthority];
        if (!string.IsNullOrWhiteSpace(authority))
        {
            builder.Services.AddHttpClient(nameof(ClientCredentialsToken));
            builder.Services.AddSingleton<IServiceToken>(sp => new ClientCredentialsToken(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ClientCredentialsToken)),
                authority,
                account["ClientId"] ?? throw new InvalidOperationException($"{accountKey}:ClientId is required with {SharedConfigKeys.AuthAuthority}"),
                account["ClientSecret"] ?? throw new InvalidOperationException($"{accountKey}:ClientSecret is required with {SharedConfigKeys.AuthAuthority}"),
                account["Scope"]));
        }
        else
        {
            var key = config[SharedConfigKeys.AuthSigningKey]
                ?? throw new InvalidOperationException($"Set {SharedConfigKeys.AuthAuthority} (production) or {SharedConfigKeys.AuthSigningKey} (development).");
            builder.Services.AddSingleton<IServiceToken>(new DevServiceToken(key,
                config[SharedConfigKeys.AuthIssuer] ?? SharedConfigKeys.DefaultIssuer,
                config[SharedConfigKeys.AuthAudience] ?? SharedConfigKeys.DefaultAudience,
                account["EmployeeId"] ?? developmentAccountId));
        }

        return builder;
    }

    private static IHttpClientBuilder WithBearer(this IHttpClientBuilder client, Func<IServiceProvider, CancellationToken, ValueTask<string?>> authorization) =>
        client.AddCallCredentials(async (context, metadata, services) =>
            {
                if (await authorization(services, context.CancellationToken) is { } value)
                {
                    metadata.Add("Authorization", value);
                }
            })
            // Call credentials are sent over h2c too: development runs the endpoints without TLS.
            .ConfigureChannel(channel => channel.UnsafeUseInsecureChannelCallCredentials = true);
}
