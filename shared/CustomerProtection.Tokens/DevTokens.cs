using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using CustomerProtection.Policy.Actors;
using Microsoft.IdentityModel.Tokens;

namespace CustomerProtection.Tokens;

/// <summary>
/// Development tokens, signed with the key the AppHost generated (HMAC-SHA256). Production uses
/// the company's OIDC provider instead (<c>Auth:Authority</c>); nothing here is used there.
/// </summary>
public static class DevTokens
{
    public static string Mint(
        string signingKeyBase64,
        string employeeId,
        string role,
        string? branchId,
        string? regionId,
        DateTimeOffset now,
        TimeSpan lifetime,
        string issuer = SharedConfigKeys.DefaultIssuer,
        string audience = SharedConfigKeys.DefaultAudience)
    {
        var claims = new Dictionary<string, object>
        {
            [ClaimNames.EmployeeId] = employeeId,
            [ClaimNames.Role] = role,
        };
        if (!string.IsNullOrEmpty(branchId))
        {
            claims[ClaimNames.Branch] = branchId;
        }

        if (!string.IsNullOrEmpty(regionId))
        {
            claims[ClaimNames.Region] = regionId;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime.AddMinutes(-1),
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(SigningKey(signingKeyBase64), SecurityAlgorithms.HmacSha256),
        });
    }

    public static SymmetricSecurityKey SigningKey(string signingKeyBase64) => new(Convert.FromBase64String(signingKeyBase64));

    public static ClaimsIdentity Describe(string employeeId, string role) =>
        new([new Claim(ClaimNames.EmployeeId, employeeId), new Claim(ClaimNames.Role, role)], "dev");
}
