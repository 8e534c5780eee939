using Microsoft.Extensions.Configuration;

namespace CustomerProtection.AppHost.Infrastructure;

/// <summary>Full paths of the servers local mode runs.</summary>
internal sealed record LocalExecutables(string RedisServer, string RabbitMqServer, string Epmd);

/// <summary>
/// Checked before the model is built: a missing server would otherwise only show as "Failed to start" in the
/// dashboard while every service waits for it forever.
/// </summary>
internal static class LocalPrerequisites
{
    /// <summary>The Debian/Ubuntu package's server script; the /usr/sbin wrapper switches user when run as root,
    /// after which the Erlang cookie no longer matches (aspire-without-containers.md).</summary>
    public const string DefaultRabbitMqServer = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    private const string InstallHint = "(or run ./run.sh, which installs what is missing)";

    public static LocalExecutables Find(IConfiguration configuration)
    {
        var redis = Locate(configuration[InfrastructureConfigKeys.RedisServerPath], "redis-server")
            ?? throw Missing("redis-server", "redis-server", InfrastructureConfigKeys.RedisServerPath);
        var rabbit = Locate(configuration[InfrastructureConfigKeys.RabbitMqServerPath], DefaultRabbitMqServer)
            ?? throw Missing("rabbitmq-server", "rabbitmq-server", InfrastructureConfigKeys.RabbitMqServerPath);
        var epmd = Locate(configuration[InfrastructureConfigKeys.EpmdPath], "epmd")
            ?? throw Missing("epmd (part of Erlang)", "rabbitmq-server", InfrastructureConfigKeys.EpmdPath);
        return new LocalExecutables(redis, rabbit, epmd);
    }

    private static InfrastructureSetupException Missing(string what, string package, string key) => new(
        $"{what} not found: install it with `apt-get install -y {package}` {InstallHint}. " +
        $"Installed elsewhere? Set --{key}=<path>. Or use containers: --{InfrastructureConfigKeys.Mode}=containers.");

    /// <summary>A configured path, an absolute default, or the first executable match on PATH.</summary>
    private static string? Locate(string? configured, string nameOrPath)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return IsExecutable(configured) ? Path.GetFullPath(configured) : null;
        }

        if (Path.IsPathRooted(nameOrPath))
        {
            return IsExecutable(nameOrPath) ? nameOrPath : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, nameOrPath))
            .FirstOrDefault(IsExecutable);
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
