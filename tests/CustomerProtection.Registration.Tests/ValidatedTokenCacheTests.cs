using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Tokens;
using System.Security.Cryptography;
using CustomerProtection.ServiceDefaults;
using CustomerProtection.Policy.Actors;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CustomerProtection.Registration.Tests;

/// <summary>Each distinct bearer token is validated once while it lives; nothing else is let through.</summary>
public sealed class ValidatedTokenCacheTests
{
    private static readonly string Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly FakeTimeProvider _machine = new(DateTimeOffset.UtcNow);
    private readonly CountingHandler _inner = new();

    private static readonly TokenValidationParameters Parameters = new()
    {
        ValidIssuer = SharedConfigKeys.DefaultIssuer,
        ValidAudience = SharedConfigKeys.DefaultAudience,
        IssuerSigningKey = DevTokens.SigningKey(Key),
        NameClaimType = ClaimNames.EmployeeId,
        RoleClaimType = ClaimNames.Role,
    };

    private sealed class CountingHandler : TokenHandler
    {
        private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

        public int Validations { get; private set; }

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Validations++;
            return _handler.ValidateTokenAsync(token, validationParameters);
        }
    }

    private static string Token(TimeSpan lifetime, DateTimeOffset? issued = null) =>
        DevTokens.Mint(Key, "S1", Roles.Salesperson, "B-SH", "R-EAST", issued ?? DateTimeOffset.UtcNow, lifetime);

    [Fact]
    public async Task A_token_is_validated_once_and_every_caller_gets_an_identity_of_its_own()
    {
        var cache = new ValidatedTokenCache(_inner, _machine);
        var token = Token(TimeSpan.FromMinutes(15));

        var first = await cache.ValidateTokenAsync(token, Parameters);
        var second = await cache.ValidateTokenAsync(token, Parameters);
        var third = await cache.ValidateTokenAsync(token, Parameters);

        Assert.True(first.IsValid && second.IsValid && third.IsValid);
        Assert.Equal(1, _inner.Validations);
        Assert.Equal(("S1", "salesperson", "B-SH"), (second.ClaimsIdentity.Name, second.ClaimsIdentity.FindFirst(ClaimNames.Role)!.Value, second.ClaimsIdentity.FindFirst(ClaimNames.Branch)!.Value));
        Assert.NotSame(second.ClaimsIdentity, third.ClaimsIdentity);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Same(first.SecurityToken, second.SecurityToken);
    }

    [Fact]
    public async Task After_its_expiry_on_the_machine_clock_a_token_is_validated_again()
    {
        var cache = new ValidatedTokenCache(_inner, _machine);
        var token = Token(TimeSpan.FromMinutes(15));
        await cache.ValidateTokenAsync(token, Parameters);

        _machine.Advance(TimeSpan.FromMinutes(16));
        await cache.ValidateTokenAsync(token, Parameters);

        Assert.Equal(2, _inner.Validations);
    }

    [Fact]
    public async Task Tampered_and_expired_tokens_are_refused_every_time_and_never_remembered()
    {
        var cache = new ValidatedTokenCache(_inner, _machine);
        var good = Token(TimeSpan.FromMinutes(15));
        var tampered = good[..^2] + (good[^2] == 'A' ? "B" : "A") + good[^1];
        var expired = Token(TimeSpan.FromMinutes(15), DateTimeOffset.UtcNow.AddHours(-2));

        foreach (var token in new[] { tampered, tampered, expired, expired })
        {
            Assert.False((await cache.ValidateTokenAsync(token, Parameters)).IsValid);
        }

        Assert.Equal(4, _inner.Validations);
    }
}
