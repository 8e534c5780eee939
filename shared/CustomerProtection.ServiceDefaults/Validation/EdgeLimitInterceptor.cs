using CustomerProtection.Policy.Errors;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CustomerProtection.ServiceDefaults.Validation;

/// <summary>
/// Holds every request message of every RPC (streamed ones as they are read) to <see cref="EdgeLimits"/> before the
/// handler sees it: a message beyond a limit is refused as InvalidArgument naming the field and the limit
/// (<see cref="Errors.DomainErrorInterceptor"/>, registered before this one, turns the exception into the status),
/// and nothing has been read from or written to storage.
/// </summary>
public sealed class EdgeLimitInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(request);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new CheckedReader<TRequest>(requestStream), context);

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(request);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new CheckedReader<TRequest>(requestStream), responseStream, context);

    private static void Check<TRequest>(TRequest request)
    {
        if (request is IMessage message)
        {
            RequestValidationException.ThrowIfAny(EdgeLimits.Check(message));
        }
    }

    /// <summary>A request stream whose every message is checked when the handler reads it.</summary>
    private sealed class CheckedReader<TRequest>(IAsyncStreamReader<TRequest> inner) : IAsyncStreamReader<TRequest>
    {
        public TRequest Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await inner.MoveNext(cancellationToken))
            {
                return false;
            }

            Check(inner.Current);
            return true;
        }
    }
}
