using System.Collections.Concurrent;
using Microsoft.IdentityModel.Tokens;

namespace CustomerProtection.ServiceDefaults.Security;

/// <summary>
/// Remembers the bearer tokens this replica has validated until they expire, so that a client calling
/// many times with one token (every client does, for the token's lifetime) pays the signature check,
/// the JSON parsing and the building of its claims once instead of on every call. Only the exact
/// token string that passed validation hits; expiry is checked against the machine clock, as the
/// validation itself does (token lifetimes are not business time, docs/design.md: never the service's
/// controllable TimeProvider); each hit gets its own copy of the identity, so no request can change
/// another's. A token without an expiry is never remembered. Every service uses it (AuthenticationExtensions).
/// </summary>
public sealed class ValidatedTokenCache(TokenHandler inner, TimeProvider machineClock) : TokenHandler
{
    /// <summary>Distinct live tokens remembered at most; past it the cache starts over (a burst of new tokens only costs validations).</summary>
    public const int Capacity = 4_096;

    private readonly ConcurrentDictionary<string, TokenValidationResult> _validated = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = machineClock.GetUtcNow().UtcDateTime;
        if (_validated.TryGetValue(token, out var known))
        {
            if (known.SecurityToken.ValidTo > now)
            {
                return Copy(known);
            }

            _validated.TryRemove(token, out _);
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { ValidTo: var validTo } && validTo > now)
        {
            if (_validated.Count >= Capacity)
            {
                _validated.Clear();
            }

            // The caller may change the identity it was given: keep a copy of our own.
            _validated[token] = Copy(result);
        }

        return result;
    }

    private static TokenValidationResult Copy(TokenValidationResult validated) => new()
    {
        IsValid = true,
        ClaimsIdentity = validated.ClaimsIdentity.Clone(),
        SecurityToken = validated.SecurityToken,
        TokenType = validated.TokenType,
        Issuer = validated.Issuer,
    };
}
