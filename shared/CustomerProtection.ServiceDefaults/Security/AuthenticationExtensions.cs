using CustomerProtection.Policy.Actors;
using CustomerProtection.Tokens;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace CustomerProtection.ServiceDefaults.Security;

public static class AuthenticationExtensions
{
    /// <summary>
    /// Every RPC requires a bearer token (the fallback policy); health and reflection opt out where
    /// they are mapped. Identity comes from the token: sub = employee id, role, branch, region.
    /// Production: <c>Auth:Authority</c> (OIDC discovery). Development: <c>Auth:SigningKey</c>, which
    /// the AppHost generates and hands to every service.
    /// </summary>
    public static IHostApplicationBuilder AddCustomerProtectionAuthentication(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var authority = config[SharedConfigKeys.AuthAuthority];
        var signingKey = config[SharedConfigKeys.AuthSigningKey];
        var issuer = config[SharedConfigKeys.AuthIssuer] ?? SharedConfigKeys.DefaultIssuer;
        var audience = config[SharedConfigKeys.AuthAudience] ?? SharedConfigKeys.DefaultAudience;

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            // Keep the claim names as issued ("sub", "role"), not the WS-* URIs.
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidAudience = audience,
                NameClaimType = ClaimNames.EmployeeId,
                RoleClaimType = ClaimNames.Role,
                ClockSkew = TimeSpan.FromSeconds(30),
            };

            if (!string.IsNullOrWhiteSpace(authority))
            {
                options.Authority = authority;
                options.Audience = audience;
                return;
            }

            if (string.IsNullOrWhiteSpace(signingKey))
            {
                throw new InvalidOperationException(
                    $"No token validation configured: set {SharedConfigKeys.AuthAuthority} (OIDC, production) or " +
                    $"{SharedConfigKeys.AuthSigningKey} (development; the AppHost generates one).");
            }

            options.TokenValidationParameters.ValidIssuer = issuer;
            options.TokenValidationParameters.IssuerSigningKey = DevTokens.SigningKey(signingKey);
        });

        // Every call carries a bearer token, and a client calls many times with one: validate each
        // distinct token once while it lives (ValidatedTokenCache), whatever validates it (key or OIDC).
        builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
        {
            var handlers = options.TokenHandlers.Select(handler => (TokenHandler)new ValidatedTokenCache(handler, TimeProvider.System)).ToList();
            options.TokenHandlers.Clear();
            handlers.ForEach(options.TokenHandlers.Add);
        });

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, GrpcAuthorizationResults>();
        return builder;
    }
}
