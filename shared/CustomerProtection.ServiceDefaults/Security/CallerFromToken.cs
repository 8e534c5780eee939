using System.Security.Claims;
using CustomerProtection.Policy.Actors;
using Grpc.Core;

namespace CustomerProtection.ServiceDefaults.Security;

/// <summary>Reads the <see cref="Caller"/> from the validated token of a call: <c>Caller.From(context)</c>.</summary>
public static class CallerFromToken
{
    extension(Caller)
    {
        public static Caller From(ServerCallContext context) => Caller.From(context.GetHttpContext().User);

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
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
