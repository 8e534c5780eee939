using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using CustomerProtection.Policy.Errors;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CustomerProtection.ServiceDefaults.Errors;

/// <summary>
/// Turns the use cases' exceptions into rich gRPC errors (grpc-dotnet's rich error model):
/// use cases stay free of transport types, and every service answers bad input the same way.
/// </summary>
public sealed class DomainErrorInterceptor : Interceptor
{
    public const string ErrorDomain = "customerprotection";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (Translate(ex) is { } rpc)
        {
            throw rpc;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception ex) when (Translate(ex) is { } rpc)
        {
            throw rpc;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (Translate(ex) is { } rpc)
        {
            throw rpc;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception ex) when (Translate(ex) is { } rpc)
        {
            throw rpc;
        }
    }

    public static RpcException? Translate(Exception ex) => ex switch
    {
        RequestValidationException v => InvalidArgument(v),
        PolicyRefusalException p => Refusal(p),
        ScopeDeniedException s => new Google.Rpc.Status { Code = (int)Code.PermissionDenied, Message = s.Message }.ToRpcException(),
        EntityNotFoundException n => new Google.Rpc.Status { Code = (int)Code.NotFound, Message = n.Message }.ToRpcException(),
        ConcurrencyConflictException c => new Google.Rpc.Status { Code = (int)Code.Aborted, Message = c.Message }.ToRpcException(),
        // Redis not reachable or not answering in time: nothing was applied that the caller was told of, and
        // a retry is safe (every change is one atomic step), which is what UNAVAILABLE says — not UNKNOWN.
        StackExchange.Redis.RedisConnectionException or StackExchange.Redis.RedisTimeoutException => new Google.Rpc.Status
        {
            Code = (int)Code.Unavailable,
            Message = "存储暂时不可用，请稍后重试 / storage is unavailable for the moment; retry later",
        }.ToRpcException(),
        _ => null,
    };

    private static RpcException InvalidArgument(RequestValidationException v)
    {
        var badRequest = new BadRequest();
        foreach (var violation in v.Violations)
        {
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = violation.Field, Description = violation.Description });
        }

        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = "请求无效 / invalid request: " + v.Message,
            Details = { Any.Pack(badRequest) },
        }.ToRpcException();
    }

    private static RpcException Refusal(PolicyRefusalException p)
    {
        var info = new ErrorInfo { Reason = p.RuleId, Domain = ErrorDomain };
        foreach (var (key, value) in p.Metadata)
        {
            info.Metadata[key] = value;
        }

        return new Google.Rpc.Status
        {
            Code = (int)p.Code,
            Message = $"[{p.RuleId}] {p.Message}",
            Details = { Any.Pack(info) },
        }.ToRpcException();
    }
}
