using CustomerProtection.Tokens;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using CustomerProtection.Policy.Actors;

namespace CustomerProtection.ServiceDefaults.Security;

/// <summary>
/// The bearer token a service presents when it calls another as itself (<see cref="ServiceCalls.ActAsTheService"/>):
/// Arbitration reads the P-9 evidence of both parties and the milestones at a deadline for its own
/// rules, not for the caller, who may not see the other party's records (C-2), and a due-queue worker
/// has no caller at all (docs/arbitration.md, "Calling other services").
/// </summary>
public interface IServiceToken
{
    ValueTask<string> GetAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Development and tests: a token minted with the AppHost's development signing key for the service
/// account (role hq: the reads span every branch). Lifetimes run on the machine clock, not the
/// controllable business clock (docs/design.md, Authentication); a token is reused until two
/// minutes before it expires.
/// </summary>
public sealed class DevServiceToken(string signingKey, string issuer, string audience, string accountId) : IServiceToken
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Renew = TimeSpan.FromMinutes(2);
    private readonly Lock _gate = new();
    private (string Token, DateTimeOffset Expires)? _current;

    public ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        var now = TimeProvider.System.GetUtcNow();
        lock (_gate)
        {
            if (_current is not { } current || current.Expires - Renew <= now)
            {
                current = (DevTokens.Mint(signingKey, accountId, Roles.Hq, null, null, now, Lifetime, issuer, audience), now + Lifetime);
                _current = current;
            }

            return ValueTask.FromResult(current.Token);
        }
    }
}

/// <summary>
/// Production: the OAuth 2.0 client-credentials grant at the company's OIDC provider
/// (<c>Auth:Authority</c>), with the service account's client id and secret from configuration
/// (a secret store). The provider maps the client to the token claims the services expect
/// (sub = the account, role = hq). The token endpoint comes from the discovery document.
/// </summary>
public sealed class ClientCredentialsToken(HttpClient http, string authority, string clientId, string clientSecret, string? scope) : IServiceToken, IDisposable
{
    private static readonly TimeSpan Renew = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset Expires)? _current;
    private string? _tokenEndpoint;

    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = TimeProvider.System.GetUtcNow();
            if (_current is { } current && current.Expires - Renew > now)
            {
                return current.Token;
            }

            _tokenEndpoint ??= (await http.GetFromJsonAsync<Discovery>(authority.TrimEnd('/') + "/.well-known/openid-configuration", cancellationToken))?.TokenEndpoint
                ?? throw new InvalidOperationException($"{authority}: the discovery document names no token_endpoint");
            var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = clientSecret };
            if (!string.IsNullOrEmpty(scope))
            {
                form["scope"] = scope;
            }

            using var content = new FormUrlEncodedContent(form);
            using var response = await http.PostAsync(_tokenEndpoint, content, cancellationToken);
            response.EnsureSuccessStatusCode();
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                ?? throw new InvalidOperationException("the token endpoint returned no token");
            _current = (token.AccessToken, now + TimeSpan.FromSeconds(token.ExpiresIn));
            return token.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private sealed record Discovery([property: JsonPropertyName("token_endpoint")] string? TokenEndpoint);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
