using System.Text.Json;

namespace CustomerProtection.Cli.Core;

/// <summary>
/// Where each service answers: the <c>--registration</c>/<c>--territory</c>/... flag, else <c>CP_REGISTRATION</c>/...,
/// else the address file the AppHost writes when it starts (<c>.data/services.json</c>, found from the working
/// directory upwards, or <c>--services-file</c>/<c>CP_SERVICES_FILE</c>).
/// </summary>
internal sealed class ServiceAddresses(CliEnvironment environment, FileInfo? servicesFile)
{
    public const string FileName = "services.json";

    private Dictionary<string, Entry>? _fromFile;
    private string? _filePath;

    /// <summary>The address and where it came from (said in errors: a stale file is the usual cause of "unavailable").</summary>
    public (string Address, string Source) Resolve(string service, string? flag)
    {
        if (!string.IsNullOrWhiteSpace(flag))
        {
            return (flag.Trim(), "--" + service);
        }

        var variable = "CP_" + service.ToUpperInvariant();
        if (environment.Variable(variable) is { } fromEnvironment)
        {
            return (fromEnvironment.Trim(), variable);
        }

        var file = FromFile();
        if (file.TryGetValue(service, out var fromFile) && fromFile.Grpc is { Length: > 0 } grpc)
        {
            return (grpc, _filePath!);
        }

        throw new CliException(ExitCodes.Unavailable,
            $"找不到 {service} 服务的地址 / no address for {service}: start the system (./run.sh writes .data/{FileName}), " +
            $"or pass --{service} / {variable}" + (_filePath is null ? "" : $" ({_filePath} does not name it)"));
    }

    /// <summary>
    /// Development's mail inbox (smtp4dev's web page and REST API, docs/notifications.md): <c>CP_INBOX</c>, else the
    /// address file's <c>smtp4dev.inbox</c>; null when neither names one (a system that sends through a relay).
    /// </summary>
    public string? Inbox() =>
        environment.Variable("CP_INBOX") ?? (FromFile().TryGetValue("smtp4dev", out var entry) ? entry.Inbox : null);

    /// <summary>One service in the file (its JSON address and probes are there for people and scripts; cpctl speaks gRPC), or the inbox.</summary>
    private sealed record Entry(string? Grpc, string? Inbox = null);

    private Dictionary<string, Entry> FromFile()
    {
        if (_fromFile is not null)
        {
            return _fromFile;
        }

        _filePath = servicesFile?.FullName ?? environment.Variable("CP_SERVICES_FILE") ?? environment.FindDataFile(FileName);
        if (_filePath is null)
        {
            return _fromFile = [];
        }

        try
        {
            _fromFile = JsonSerializer.Deserialize<Dictionary<string, Entry>>(File.ReadAllText(_filePath), s_names) ?? [];
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Unavailable, $"地址文件无法读取 / cannot read the address file {_filePath}: {ex.Message}");
        }

        return _fromFile;
    }

    private static readonly JsonSerializerOptions s_names = new() { PropertyNameCaseInsensitive = true };
}
