using CustomerProtection.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace CustomerProtection.AppHost.Services;

/// <summary>Settings every service gets from the AppHost (keys from <see cref="SharedConfigKeys"/>).</summary>
internal sealed record SharedServiceSettings(
    string EnvironmentName,
    string? Authority,
    IResourceBuilder<ParameterResource>? SigningKey,
    string? Issuer,
    string Audience,
    bool ControllableClock)
{
    private const string SigningKeyParameterName = "auth-signing-key";

    /// <summary>
    /// C-4: Registration's key ring, each key a secret parameter (masked by the dashboard). None when
    /// publishing without a configured ring: the deployment sets <c>Confidentiality__ActiveKey</c> and
    /// <c>Confidentiality__Keys__&lt;id&gt;</c> on Registration from its secret store.
    /// </summary>
    public (string ActiveId, IReadOnlyList<(string Id, IResourceBuilder<ParameterResource> Key)> Keys)? DataKeys { get; init; }

    /// <summary>The key ring from configuration or, with a data folder, the development one (<see cref="DevDataKeys"/>).</summary>
    public SharedServiceSettings WithDataKeys(IDistributedApplicationBuilder builder, DataDirectory? data)
    {
        var ring = DevDataKeys.Resolve(builder.Configuration, data?.Root);
        return ring is null ? this : this with
        {
            DataKeys = (ring.ActiveId, ring.Keys
                .Select(k => (k.Key, builder.AddParameter($"confidentiality-key-{k.Key.ToLowerInvariant()}", k.Value, secret: true)))
                .ToList()),
        };
    }

    public static SharedServiceSettings FromConfiguration(IDistributedApplicationBuilder builder, DataDirectory? data)
    {
        var configuration = builder.Configuration;
        var authority = configuration[SharedConfigKeys.AuthAuthority];
        var audience = configuration[SharedConfigKeys.AuthAudience] is { Length: > 0 } a ? a : SharedConfigKeys.DefaultAudience;
        var controllableClock = configuration.GetStrictBool(SharedConfigKeys.ControllableClock, defaultValue: false);

        if (!string.IsNullOrWhiteSpace(authority))
        {
            // Production: tokens come from the company's OIDC provider; no key exists, the issuer is the authority's
            // unless configured.
            return new(builder.Environment.EnvironmentName, authority, SigningKey: null,
                configuration[SharedConfigKeys.AuthIssuer], audience, controllableClock);
        }

        var issuer = configuration[SharedConfigKeys.AuthIssuer] is { Length: > 0 } i ? i : SharedConfigKeys.DefaultIssuer;
        if (data is null)
        {
            // Publishing without an authority: the key becomes a secret input of the deployment, never a file here.
            return new(builder.Environment.EnvironmentName, Authority: null,
                builder.AddParameter(SigningKeyParameterName, secret: true), issuer, audience, controllableClock);
        }

        var key = DevSigningKey.Resolve(configuration[SharedConfigKeys.AuthSigningKey], data.Root);
        // A secret parameter, so the dashboard masks it wherever it appears.
        var keyParameter = builder.AddParameter(SigningKeyParameterName, key, secret: true);
        return new(builder.Environment.EnvironmentName, Authority: null, keyParameter, issuer, audience, controllableClock);
    }
}
