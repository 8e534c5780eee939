using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;
using Xunit;

namespace CustomerProtection.Testing;

/// <summary>
/// A real redis-server on loopback, on a free port, with AOF on and a fresh folder: the store tests
/// run against the same server the system runs on (never an in-memory fake). One per test class
/// (IClassFixture); tests isolate themselves by unique ids or <see cref="FlushAsync"/>.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;
    private readonly string _directory;
    private readonly bool _ownsDirectory;

    public RedisServer()
    {
        _directory = Path.Combine(Path.GetTempPath(), "cp-test-redis-" + Guid.NewGuid().ToString("N"));
        _ownsDirectory = true;
    }

    private RedisServer(string directory)
    {
        _directory = directory;
        _ownsDirectory = false;
    }

    /// <summary>A server over an existing data folder (a restored backup); the folder is left in place on dispose.</summary>
    public static RedisServer Over(string directory) => new(directory);

    public int Port { get; } = FreePort();
    public string ConnectionString => $"127.0.0.1:{Port}";
    public IConnectionMultiplexer Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var start = new ProcessStartInfo("redis-server",
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory, "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                // The encodings the system's Redis runs with (CustomerProtection.AppHost/Infrastructure/LocalRedis.cs):
                // the memory tests measure what the AppHost runs.
                "--hash-max-listpack-value", "1024", "--set-max-intset-entries", "5001"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server not found: install it with `apt-get install -y redis-server` (.ci/run does).", ex);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                Connection = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},abortConnect=true,connectTimeout=500,allowAdmin=true");
                await Connection.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (deadline.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(50);
            }
        }
    }

    public Task FlushAsync() => Connection.GetServer(ConnectionString).FlushDatabaseAsync();

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (!_ownsDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still being closed by the dying server: the temp folder is cleaned by the OS.
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
