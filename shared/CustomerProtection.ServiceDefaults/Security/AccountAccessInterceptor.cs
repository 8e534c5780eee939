using CustomerProtection.Policy.Actors;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CustomerProtection.ServiceDefaults.Security;

/// <summary>
/// C-7, C-9 on every call of every service: the caller's account must be active, whatever its token says.
/// One interceptor for every RPC (the service defaults add it after the error interceptor, so its refusal
/// is a status with the rule id). Anonymous calls are the health and reflection services only: every other
/// RPC was already refused by authentication.
/// </summary>
public sealed class AccountAccessInterceptor(IAccountStates states) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await RequireActiveAsync(context);
        return await continuation(request, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await RequireActiveAsync(context);
        return await continuation(requestStream, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await RequireActiveAsync(context);
        await continuation(request, responseStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await RequireActiveAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    private async Task RequireActiveAsync(ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return;
        }

        (await states.GetAsync(Caller.From(user).EmployeeId, context.CancellationToken)).RequireActive();
    }
}
