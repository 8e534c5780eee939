using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Registration.Confidentiality.Persistence;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CustomerProtection.Registration.Confidentiality.Grpc;

/// <summary>
/// Every customer-data RPC first asks whether the caller's account is frozen (C-7) or left (C-9):
/// a token stays valid until it expires, so the account itself is checked on each call. Registered on
/// the customer-data services only (not on the organisation copy or the clock).
/// </summary>
public sealed class CustomerDataAccessInterceptor(AccountBlocks blocks) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await blocks.RequireAllowedAsync(Caller.From(context));
        return await continuation(request, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await blocks.RequireAllowedAsync(Caller.From(context));
        return await continuation(requestStream, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await blocks.RequireAllowedAsync(Caller.From(context));
        await continuation(request, responseStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await blocks.RequireAllowedAsync(Caller.From(context));
        await continuation(requestStream, responseStream, context);
    }
}
