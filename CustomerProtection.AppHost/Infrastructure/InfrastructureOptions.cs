using Microsoft.Extensions.Configuration;

namespace CustomerProtection.AppHost.Infrastructure;

/// <summary>Configuration keys of the AppHost itself (docs/running.md lists them all).</summary>
internal static class InfrastructureConfigKeys
{
    /// <summary><c>auto</c> (default), <c>containers</c> or <c>local</c>.</summary>
    public const string Mode = "Infrastructure:Mode";

    /// <summary>Persistent data folder; default <c>&lt;repo root&gt;/.data</c>.</summary>
    public const string DataDirectory = "Infrastructure:DataDirectory";

    /// <summary><c>true</c>: a fresh folder per AppHost instance, deleted when it stops (tests).</summary>
    public const string Ephemeral = "Infrastructure:Ephemeral";

    /// <summary>Overrides for where the local servers are installed (defaults: PATH, the Debian package layout).</summary>
    public const string RedisServerPath = "Infrastructure:RedisServerPath";
    public const string RabbitMqServerPath = "Infrastructure:RabbitMqServerPath";
    public const string EpmdPath = "Infrastructure:EpmdPath";

    /// <summary>Container runtime probed in auto mode; the same setting DCP reads.</summary>
    public const string ContainerRuntime = "ASPIRE_CONTAINER_RUNTIME";
}

/// <summary>Raised for a configuration or machine problem the user must fix; its message says how.</summary>
internal sealed class InfrastructureSetupException(string message) : Exception(message);

internal static class ConfigurationExtensions
{
    /// <summary>Reads a boolean setting strictly: a typo must not silently mean "false".</summary>
    public static bool GetStrictBool(this IConfiguration configuration, string key, bool defaultValue)
    {
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return defaultValue;
        }

        return bool.TryParse(raw.Trim(), out var value)
            ? value
            : throw new InfrastructureSetupException($"Configuration '{key}' must be true or false (got '{raw}').");
    }
}
