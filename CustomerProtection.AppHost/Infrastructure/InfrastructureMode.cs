using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace CustomerProtection.AppHost.Infrastructure;

/// <summary>How Redis and RabbitMQ are run.</summary>
internal enum InfrastructureMode
{
    /// <summary>Aspire's standard container resources (AddRedis, AddRabbitMQ).</summary>
    Containers,

    /// <summary>redis-server and rabbitmq-server from the OS packages, started by the AppHost.</summary>
    Local,
}

internal sealed record InfrastructureModeDecision(InfrastructureMode Mode, string Reason);

internal static class InfrastructureModeResolver
{
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// auto = containers when the container runtime answers, local executables otherwise. Without an engine,
    /// container resources never start and every service waits forever, so guessing wrong is not an option.
    /// </summary>
    public static InfrastructureModeDecision Resolve(IConfiguration configuration, bool isPublishMode)
    {
        var raw = configuration[InfrastructureConfigKeys.Mode];
        var requested = string.IsNullOrWhiteSpace(raw) ? "auto" : raw.Trim().ToLowerInvariant();

        switch (requested)
        {
            case "containers":
                return new(InfrastructureMode.Containers, $"{InfrastructureConfigKeys.Mode}=containers");
            case "local":
                return new(InfrastructureMode.Local, $"{InfrastructureConfigKeys.Mode}=local");
            case "auto" when isPublishMode:
                // Deployment manifests describe containers; local executables exist only on a developer machine.
                return new(InfrastructureMode.Containers, "publish mode");
            case "auto":
                var runtime = configuration[InfrastructureConfigKeys.ContainerRuntime] is { Length: > 0 } r ? r : "docker";
                return ContainerRuntimeAnswers(runtime, out var why)
                    ? new(InfrastructureMode.Containers, $"auto: `{runtime} info` succeeded")
                    : new(InfrastructureMode.Local, $"auto: `{runtime} info` {why}");
            default:
                throw new InfrastructureSetupException(
                    $"Configuration '{InfrastructureConfigKeys.Mode}' must be auto, containers or local (got '{raw}').");
        }
    }

    private static bool ContainerRuntimeAnswers(string runtime, out string why)
    {
        var startInfo = new ProcessStartInfo(runtime)
        {
            ArgumentList = { "info", "--format", "{{.ServerVersion}}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        try
        {
            using var process = Process.Start(startInfo);
            if (process is null)
            {
                why = "could not be started";
                return false;
            }

            // Drain both pipes so a chatty client can never block on a full pipe.
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();

            if (!process.WaitForExit(s_probeTimeout))
            {
                process.Kill(entireProcessTree: true);
                why = $"did not answer within {s_probeTimeout.TotalSeconds:0} s";
                return false;
            }

            why = process.ExitCode == 0 ? "succeeded" : $"failed (exit code {process.ExitCode})";
            return process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            why = "is not installed";
            return false;
        }
    }
}
