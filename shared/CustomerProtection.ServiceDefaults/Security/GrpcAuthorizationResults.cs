using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace CustomerProtection.ServiceDefaults.Security;

/// <summary>
/// A call the authorization middleware refuses — no valid token, or a role attribute the caller's role does not
/// meet — answered as gRPC answers: status Unauthenticated or PermissionDenied with a message that says what is
/// needed, in a trailers-only response. The middleware's own answer is an HTTP 401/403 with no body, which a gRPC
/// client reports as "Bad gRPC response. HTTP status code: 403" and nothing else. Other requests (health probes)
/// keep the middleware's answer.
/// </summary>
internal sealed class GrpcAuthorizationResults : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
        {
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }

        var roles = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).ToList();
        var (status, message) = authorizeResult.Challenged
            ? (StatusCode.Unauthenticated, "需要有效的令牌 / a valid bearer token is required")
            : (StatusCode.PermissionDenied, roles.Count > 0
                ? $"该操作仅限 {string.Join("、", roles)} / only {string.Join(", ", roles)} may call this"
                : "无权调用 / not allowed to call this");
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        return Task.CompletedTask;
    }
}
