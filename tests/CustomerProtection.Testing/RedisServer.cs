using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace CustomerProtection.Testing;

/// <summary>
/// A real redis-server on loopback, on a free port, with AOF on and a fresh folder: the store tests
/// run against the same server the system runs on (never an in-memory fake). One per test class
/// (IClassFixture); tests isolate themselves by unique ids or <see cref="FlushAsync"/>.
/// </summary>
public sealed class RedisServer : IRedisTarget
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
    public IReadOnlyList<IServer> Primaries => [Connection.GetServer(ConnectionString)];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _process = RedisProcess.StartServer(RedisProcess.Arguments(Port, _directory));

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

    /// <summary>kill -9 of the server (the system's outage): its data folder stays for <see cref="StartAgain"/>.</summary>
    public async Task KillAsync()
    {
        await RedisProcess.StopAsync(_process);
        _process = null;
    }

    /// <summary>The same server again: same port, same folder (the AOF is read back), as an operator restarts it.</summary>
    public void StartAgain() => _process = RedisProcess.StartServer(RedisProcess.Arguments(Port, _directory));

    public Task FlushAsync() => Connection.GetServer(ConnectionString).FlushDatabaseAsync();

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        await RedisProcess.StopAsync(_process);
        if (_ownsDirectory)
        {
            RedisProcess.DeleteDirectory(_directory);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
