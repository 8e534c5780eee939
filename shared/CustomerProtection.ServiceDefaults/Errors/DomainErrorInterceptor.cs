using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using CustomerProtection.Policy.Errors;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CustomerProtection.ServiceDefaults.Errors;

/// <summary>
/// Turns the use cases' exceptions into rich gRPC errors (grpc-dotnet's rich error model):
/// use cases stay free of transport types, and every service answers bad input the same way.
/// Every refusal is bounded (<see cref="MaxMessageLength"/>, <see cref="MaxDetails"/> violations or metadata
/// entries of <see cref="MaxDetailLength"/>), and so is an <see cref="RpcException"/> a handler threw itself: a
/// status travels in the response headers, and one over the client's 64 KB reaches the caller as Unavailable
/// instead of the refusal (issue 21: a 20,000-character branch id repeated in a PermissionDenied).
/// </summary>
public sealed class DomainErrorInterceptor : Interceptor
{
    public const string ErrorDomain = "customerprotection";

    /// <summary>Characters of a status message; Chinese text percent-encoded in grpc-message takes 9 bytes a character.</summary>
    public const int MaxMessageLength = 1000;

    /// <summary>Field violations or ErrorInfo metadata entries one refusal lists.</summary>
    public const int MaxDetails = 20;

    /// <summary>Characters of one field path, description or metadata value.</summary>
    public const int MaxDetailLength = 200;

    /// <summary>Bytes of the trailers a handler's own RpcException may carry before its details are dropped.</summary>
    public const int MaxTrailerBytes = 16 * 1024;

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
        catch (RpcException ex) when (Oversized(ex))
        {
            throw Bounded(ex);
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
        catch (RpcException ex) when (Oversized(ex))
        {
            throw Bounded(ex);
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
        catch (RpcException ex) when (Oversized(ex))
        {
            throw Bounded(ex);
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
        catch (RpcException ex) when (Oversized(ex))
        {
            throw Bounded(ex);
        }
    }

    public static RpcException? Translate(Exception ex) => ex switch
    {
        RequestValidationException v => InvalidArgument(v),
        PolicyRefusalException p => Refusal(p),
        ScopeDeniedException s => new Google.Rpc.Status { Code = (int)Code.PermissionDenied, Message = Bound(s.Message, MaxMessageLength) }.ToRpcException(),
        EntityNotFoundException n => new Google.Rpc.Status { Code = (int)Code.NotFound, Message = Bound(n.Message, MaxMessageLength) }.ToRpcException(),
        ConcurrencyConflictException c => new Google.Rpc.Status { Code = (int)Code.Aborted, Message = Bound(c.Message, MaxMessageLength) }.ToRpcException(),
        // Redis not reachable or not answering in time: nothing was applied that the caller was told of, and
        // a retry is safe (every change is one atomic step), which is what UNAVAILABLE says — not UNKNOWN.
        StackExchange.Redis.RedisConnectionException or StackExchange.Redis.RedisTimeoutException => StorageUnavailable(),
        StackExchange.Redis.RedisServerException r when IsTransient(r.Message) => StorageUnavailable(),
        _ => null,
    };

    private static RpcException StorageUnavailable() => new Google.Rpc.Status
    {
        Code = (int)Code.Unavailable,
        Message = "存储暂时不可用，请稍后重试 / storage is unavailable for the moment; retry later",
    }.ToRpcException();

    /// <summary>
    /// A Redis that is restarting answers LOADING until its data is read back (likewise BUSY, MASTERDOWN,
    /// TRYAGAIN, CLUSTERDOWN while it cannot serve): the same "retry later" as a lost connection.
    /// </summary>
    private static bool IsTransient(string message) =>
        message.StartsWith("LOADING", StringComparison.Ordinal) || message.StartsWith("BUSY", StringComparison.Ordinal)
        || message.StartsWith("MASTERDOWN", StringComparison.Ordinal) || message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
        || message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal);

    private static RpcException InvalidArgument(RequestValidationException v)
    {
        var badRequest = new BadRequest();
        foreach (var violation in v.Violations.Take(MaxDetails))
        {
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = Bound(violation.Field, MaxDetailLength), Description = Bound(violation.Description, MaxDetailLength) });
        }

        var more = v.Violations.Count > MaxDetails ? $" (+{v.Violations.Count - MaxDetails})" : "";
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = Bound("请求无效 / invalid request: " + v.Message, MaxMessageLength - more.Length) + more,
            Details = { Any.Pack(badRequest) },
        }.ToRpcException();
    }

    private static RpcException Refusal(PolicyRefusalException p)
    {
        var info = new ErrorInfo { Reason = p.RuleId, Domain = ErrorDomain };
        foreach (var (key, value) in p.Metadata.Take(MaxDetails))
        {
            info.Metadata[Bound(key, MaxDetailLength)] = Bound(value, MaxDetailLength);
        }

        return new Google.Rpc.Status
        {
            Code = (int)p.Code,
            Message = Bound($"[{p.RuleId}] {p.Message}", MaxMessageLength),
            Details = { Any.Pack(info) },
        }.ToRpcException();
    }

    /// <summary>A handler's own status that would not fit the client's header limit.</summary>
    private static bool Oversized(RpcException ex) =>
        ex.Status.Detail.Length > MaxMessageLength
        || ex.Trailers.Sum(t => t.Key.Length + (t.IsBinary ? t.ValueBytes.Length : t.Value.Length)) > MaxTrailerBytes;

    /// <summary>The same code with the message cut to size and without the trailers that made it too large.</summary>
    private static RpcException Bounded(RpcException ex) =>
        new(new Grpc.Core.Status(ex.StatusCode, Bound(ex.Status.Detail, MaxMessageLength)));

    private static string Bound(string text, int max) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, char.IsHighSurrogate(text[max - 2]) ? max - 2 : max - 1), "…");
}
