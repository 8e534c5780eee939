using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CustomerProtection.AppHost.Infrastructure;

/// <summary>
/// The folder that holds Redis's AOF, RabbitMQ's database and the dev signing key.
/// Persistent by default (<c>&lt;repo root&gt;/.data</c>: Redis is the system of record, a restart must keep every
/// customer); with <c>Infrastructure:Ephemeral=true</c> a fresh folder per AppHost instance that is deleted when the
/// AppHost stops. Either way the AppHost holds an exclusive lock on <c>.lock</c> inside it while it runs, so two
/// AppHosts can never run servers over the same files.
/// </summary>
internal sealed class DataDirectory : IDisposable
{
    private const string LockFileName = ".lock";
    private static readonly TimeSpan s_sweepMinimumAge = TimeSpan.FromMinutes(2);

    private readonly FileStream _lock;

    private DataDirectory(string root, bool isEphemeral, string instanceId, FileStream lockStream)
    {
        Root = root;
        IsEphemeral = isEphemeral;
        InstanceId = instanceId;
        _lock = lockStream;
    }

    public string Root { get; }

    public bool IsEphemeral { get; }

    /// <summary>Short id, unique per running AppHost: random when ephemeral, derived from the folder otherwise
    /// (RabbitMQ keeps its database under its node name, so a persistent folder needs a stable one).</summary>
    public string InstanceId { get; }

    public string Redis => Path.Combine(Root, "redis");

    public string RabbitMq => Path.Combine(Root, "rabbitmq");

    /// <summary>Where the folder lives when nothing is configured: the repo root, one level above the AppHost project.</summary>
    public static string DefaultPersistentRoot(string appHostDirectory) =>
        Path.Combine(RepoRoot(appHostDirectory), ".data");

    private static string RepoRoot(string appHostDirectory) => Path.GetFullPath(Path.Combine(appHostDirectory, ".."));

    public static string EphemeralBase => Path.Combine(Path.GetTempPath(), "customerprotection-apphost");

    public static DataDirectory Open(string? configuredRoot, bool ephemeral, string appHostDirectory)
    {
        if (ephemeral)
        {
            SweepAbandonedEphemeralFolders();
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
            var root = Path.Combine(EphemeralBase, id);
            Directory.CreateDirectory(root);
            return new DataDirectory(root, isEphemeral: true, id, AcquireLock(root));
        }

        // Relative paths are taken from the repo root: the AppHost's working directory depends on who starts it.
        var persistentRoot = string.IsNullOrWhiteSpace(configuredRoot)
            ? DefaultPersistentRoot(appHostDirectory)
            : Path.GetFullPath(configuredRoot, RepoRoot(appHostDirectory));
        Directory.CreateDirectory(persistentRoot);
        var stableId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(persistentRoot)))[..10];
        return new DataDirectory(persistentRoot, isEphemeral: false, stableId, AcquireLock(persistentRoot));
    }

    private static FileStream AcquireLock(string root)
    {
        var path = Path.Combine(root, LockFileName);
        try
        {
            // FileShare.None takes an exclusive flock on Unix: released by the kernel if this process dies.
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            var owner = Encoding.UTF8.GetBytes($"{Environment.ProcessId}\n");
            stream.Write(owner);
            stream.Flush();
            return stream;
        }
        catch (IOException ex)
        {
            throw new InfrastructureSetupException(
                $"The data folder '{root}' is in use by another CustomerProtection AppHost (lock '{path}': {ex.Message}). " +
                $"Stop that one first, or give this one its own folder with --{InfrastructureConfigKeys.DataDirectory}=<path> " +
                $"or --{InfrastructureConfigKeys.Ephemeral}=true.");
        }
    }

    /// <summary>
    /// Deletes ephemeral folders whose AppHost is gone (killed, crashed test run): their lock can be taken.
    /// Young folders are left alone, they may be between mkdir and lock.
    /// </summary>
    private static void SweepAbandonedEphemeralFolders()
    {
        if (!Directory.Exists(EphemeralBase))
        {
            return;
        }

        foreach (var folder in Directory.EnumerateDirectories(EphemeralBase))
        {
            try
            {
                if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) < s_sweepMinimumAge)
                {
                    continue;
                }

                var lockPath = Path.Combine(folder, LockFileName);
                if (File.Exists(lockPath))
                {
                    using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                }

                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Still locked: its AppHost is alive.
            }
            catch (UnauthorizedAccessException)
            {
                // Someone else's folder.
            }
        }
    }

    /// <summary>Stops the servers' processes from outliving the folder: waits for the PIDs they wrote to exit.</summary>
    public async Task WaitForServersToExitAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        foreach (var pidFile in PidFiles())
        {
            if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
            {
                continue;
            }

            while (IsAlive(pid) && deadline.Elapsed < timeout)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }

    public IEnumerable<string> PidFiles()
    {
        yield return LocalRedis.PidFile(Redis);
        yield return LocalRabbitMq.PidFile(RabbitMq);
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public void Dispose() => _lock.Dispose();

    /// <summary>Deletes the folder; a few tries because a server may still be flushing its last file.</summary>
    public void Delete()
    {
        Dispose();
        for (var attempt = 1; Directory.Exists(Root); attempt++)
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException) when (attempt < 5)
            {
                Thread.Sleep(200 * attempt);
            }
        }
    }
}

/// <summary>
/// Registered with the AppHost's services: after the AppHost has stopped (DCP has stopped the servers) it waits
/// for the server processes and deletes an ephemeral folder, or releases the lock of a persistent one.
/// Runs inside the AppHost's host, so it also works when a test drives the AppHost through
/// DistributedApplicationTestingBuilder (which never runs code after <c>Build()</c>).
/// </summary>
internal sealed class DataDirectoryLifetime(
    DataDirectory dataDirectory,
    InfrastructureModeDecision mode,
    IHostApplicationLifetime lifetime,
    ILogger<DataDirectoryLifetime> logger) : IHostedService, IDisposable
{
    private int _cleanedUp;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation(
            "Infrastructure: {Mode} ({Reason}); data folder: {Folder} ({Kind})",
            mode.Mode, mode.Reason, dataDirectory.Root, dataDirectory.IsEphemeral ? "ephemeral, deleted at stop" : "persistent");
        lifetime.ApplicationStopped.Register(CleanUp);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => CleanUp();

    private void CleanUp()
    {
        if (Interlocked.Exchange(ref _cleanedUp, 1) == 1)
        {
            return;
        }

        dataDirectory.WaitForServersToExitAsync(TimeSpan.FromSeconds(15)).GetAwaiter().GetResult();
        if (!dataDirectory.IsEphemeral)
        {
            dataDirectory.Dispose();
            return;
        }

        try
        {
            dataDirectory.Delete();
            logger.LogInformation("Deleted ephemeral data folder {Folder}", dataDirectory.Root);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The next ephemeral start sweeps it (its lock is free by then).
            logger.LogWarning(ex, "Could not delete ephemeral data folder {Folder}", dataDirectory.Root);
        }
    }
}

internal static class DataDirectoryServiceCollectionExtensions
{
    public static IServiceCollection AddDataDirectoryLifetime(
        this IServiceCollection services, DataDirectory dataDirectory, InfrastructureModeDecision mode)
    {
        services.AddSingleton(dataDirectory);
        services.AddSingleton(mode);
        services.AddHostedService<DataDirectoryLifetime>();
        return services;
    }
}
