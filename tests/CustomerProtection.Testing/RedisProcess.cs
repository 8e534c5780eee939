using System.Diagnostics;
using System.Globalization;

namespace CustomerProtection.Testing;

/// <summary>What <see cref="RedisServer"/> and <see cref="RedisCluster"/> share: the arguments and the process.</summary>
internal static class RedisProcess
{
    /// <summary>
    /// Loopback, the port, the folder, AOF on, and the encodings the system's Redis runs with
    /// (CustomerProtection.AppHost/Infrastructure/LocalRedis.cs): the memory tests measure what the AppHost runs.
    /// </summary>
    public static List<string> Arguments(int port, string directory) =>
    [
        "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", directory,
        "--appendonly", "yes", "--appendfsync", "always", "--save", "",
        "--hash-max-listpack-value", "1024", "--set-max-intset-entries", "5001",
    ];

    public static Process Start(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{program} not found: install it with `apt-get install -y redis-server` (.ci/run does).", ex);
        }

        return process;
    }

    /// <summary>A server: its output read and dropped (a full pipe would block it).</summary>
    public static Process StartServer(IEnumerable<string> arguments)
    {
        var process = Start("redis-server", arguments);
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task StopAsync(Process? process)
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    public static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still being closed by the dying server: the temp folder is cleaned by the OS.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
