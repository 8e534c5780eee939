using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;

namespace CustomerProtection.Cli.Core;

/// <summary>
/// Turns a server's answer into what a person or a script needs: the rule id (<c>google.rpc.ErrorInfo</c> reason),
/// the reason, the numbers (its metadata) and the malformed fields (<c>google.rpc.BadRequest</c>), on stderr;
/// with <c>--json</c> as one JSON object. Returns the exit code (<see cref="ExitCodes"/>).
/// </summary>
internal static class ErrorReport
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        // Chinese stays readable in the JSON a script logs.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static int Write(RpcException error, TextWriter stderr, bool json, string? hint = null)
    {
        var status = error.GetRpcStatus();
        var info = status?.GetDetail<ErrorInfo>();
        var badRequest = status?.GetDetail<BadRequest>();
        var message = status?.Message is { Length: > 0 } m ? m : error.Status.Detail;
        var exitCode = ExitCodes.For(error.StatusCode);

        if (json)
        {
            var body = new SortedDictionary<string, object?>(StringComparer.Ordinal)
            {
                ["code"] = CodeName(error.StatusCode),
                ["exit_code"] = exitCode,
                ["message"] = message,
            };
            if (info is not null)
            {
                body["rule_id"] = info.Reason;
                body["domain"] = info.Domain;
                body["metadata"] = new SortedDictionary<string, string>(info.Metadata, StringComparer.Ordinal);
            }

            if (badRequest is not null)
            {
                body["field_violations"] = badRequest.FieldViolations.Select(v => new { field = v.Field, description = v.Description }).ToList();
            }

            if (hint is not null)
            {
                body["hint"] = hint;
            }

            stderr.WriteLine(JsonSerializer.Serialize(new { error = body }, JsonOptions));
            return exitCode;
        }

        stderr.WriteLine($"{Title(error.StatusCode)}: {message}");
        stderr.WriteLine($"  code     {CodeName(error.StatusCode)} (exit {exitCode})");
        if (info is not null)
        {
            stderr.WriteLine($"  rule     {info.Reason}");
            foreach (var (key, value) in info.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                stderr.WriteLine($"  {key} = {value}");
            }
        }

        foreach (var violation in badRequest?.FieldViolations ?? [])
        {
            stderr.WriteLine($"  {violation.Field}: {violation.Description}");
        }

        if (hint is not null)
        {
            stderr.WriteLine("  " + hint);
        }

        return exitCode;
    }

    public static int Write(CliException error, TextWriter stderr, bool json)
    {
        if (json)
        {
            stderr.WriteLine(JsonSerializer.Serialize(new { error = new { code = "CLI", exit_code = error.ExitCode, message = error.Message } }, JsonOptions));
        }
        else
        {
            stderr.WriteLine(error.Message);
        }

        return error.ExitCode;
    }

    /// <summary>The gRPC code as the protos spell it (FAILED_PRECONDITION), which is what people search for.</summary>
    private static string CodeName(StatusCode code) => Vocabulary.Word((Code)(int)code).ToUpperInvariant();

    private static string Title(StatusCode code) => code switch
    {
        StatusCode.FailedPrecondition => "政策拒绝 / refused by policy",
        StatusCode.AlreadyExists => "已存在 / already exists",
        StatusCode.InvalidArgument or StatusCode.OutOfRange => "请求无效 / invalid argument",
        StatusCode.NotFound => "不存在 / not found",
        StatusCode.PermissionDenied => "无权限 / permission denied",
        StatusCode.Unauthenticated => "未认证 / not authenticated",
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => "服务不可用 / unavailable",
        StatusCode.Aborted => "并发冲突，请重试 / changed by someone else, retry",
        _ => "错误 / error",
    };
}
