using System.Security.Claims;
using Grpc.Core;

namespace CustomerProtection.ServiceDefaults.Security;

/// <summary>
/// Who is calling, taken from the validated token only (never from the request body).
/// </summary>
public sealed record Caller(string EmployeeId, string Role, string? BranchId, string? RegionId)
{
    public bool IsHq => Role == Roles.Hq;

    public static Caller From(ServerCallContext context) => From(context.GetHttpContext().User);

    public static Caller From(ClaimsPrincipal user)
    {
        var id = user.FindFirst(ClaimNames.EmployeeId)?.Value;
        var role = user.FindFirst(ClaimNames.Role)?.Value;
        if (string.IsNullOrEmpty(id) || !Roles.IsKnown(role))
        {
            // Authentication passed but the token lacks our claims: treat as not authenticated.
            throw new RpcException(new Status(StatusCode.Unauthenticated, "令牌缺少员工号或角色 / token lacks employee id or role"));
        }

        return new Caller(id, role!, NullIfEmpty(user.FindFirst(ClaimNames.Branch)?.Value), NullIfEmpty(user.FindFirst(ClaimNames.Region)?.Value));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
