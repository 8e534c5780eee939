using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace CustomerProtection.Testing;

/// <summary>
/// A real Redis Cluster of three primaries (no replicas) on loopback: three redis-server processes as
/// <see cref="RedisServer"/> starts one (free ports, AOF on, the system's encodings, a fresh folder each),
/// joined by <c>redis-cli --cluster create</c>, ready once every node reports <c>cluster_state:ok</c> with
/// all 16384 slots covered. One per test class (IClassFixture), like <see cref="RedisServer"/>. On it, keys
/// combined in one script or multi-key command must share one hash tag, or Redis refuses with CROSSSLOT.
/// </summary>
public sealed class RedisCluster : IRedisTarget
{
    private const int Nodes = 3;
    private const int Slots = 16384;

    // The cluster bus listens on port + 10000. Ports are drawn from 10000–21999 so that both the port and its
    // bus port (20000–31999) lie below Linux's ephemeral range (32768–60999), where outgoing connections take theirs.
    private const int LowestPort = 10_000;
    private const int HighestPort = 22_000;
    private const int BusOffset = 10_000;

    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(30);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cp-test-redis-cluster-" + Guid.NewGuid().ToString("N"));
    private readonly List<Process> _processes = [];

    public IReadOnlyList<int> Ports { get; private set; } = [];
    public string ConnectionString => string.Join(',', Ports.Select(p => $"127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}"));
    public IConnectionMultiplexer Connection { get; private set; } = null!;
    public IReadOnlyList<IServer> Primaries => [.. Ports.Select(p => Connection.GetServer("127.0.0.1", p))];

    /// <summary>From the first process started to the connection seeing every primary.</summary>
    public TimeSpan StartedIn { get; private set; }

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();

        // A port found free can be taken before redis-server binds it (another fixture starting at the same
        // time): the whole start is tried again on new ports.
        for (var attempt = 1; ; attempt++)
        {
            Ports = FreePorts();
            try
            {
                await StartAsync();
                break;
            }
            catch (Exception) when (attempt < 3)
            {
                await StopAsync();
            }
        }

        Connection = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},abortConnect=true,connectTimeout=2000,allowAdmin=true");
        await WaitUntilAsync("the client to see every primary", () => Task.FromResult(
            Primaries.All(s => s.IsConnected && !s.IsReplica && s.ServerType == ServerType.Cluster)));
        StartedIn = clock.Elapsed;
    }

    private async Task StartAsync()
    {
        foreach (var port in Ports)
        {
            var directory = Path.Combine(_directory, port.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(directory);
            var arguments = RedisProcess.Arguments(port, directory);
            arguments.AddRange(["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"]);
            _processes.Add(RedisProcess.StartServer(arguments));
        }

        foreach (var port in Ports)
        {
            await WaitUntilAsync($"redis-server on {port} to answer", async () => await ProbeAsync(port, "PING") == "PONG");
        }

        using var create = RedisProcess.Start("redis-cli",
            ["--cluster", "create", .. Ports.Select(p => $"127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}"), "--cluster-replicas", "0", "--cluster-yes"]);
        var output = create.StandardOutput.ReadToEndAsync();
        var error = create.StandardError.ReadToEndAsync();
        await create.WaitForExitAsync();
        if (create.ExitCode != 0 || !(await output).Contains($"All {Slots} slots covered", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"redis-cli --cluster create failed ({create.ExitCode}): {await output}{await error}");
        }

        foreach (var port in Ports)
        {
            await WaitUntilAsync($"node {port} to report the cluster ok", async () =>
            {
                var info = await ProbeAsync(port, "CLUSTER INFO");
                return info.Contains("cluster_state:ok", StringComparison.Ordinal)
                    && info.Contains($"cluster_slots_ok:{Slots}", StringComparison.Ordinal)
                    && info.Contains($"cluster_known_nodes:{Nodes}", StringComparison.Ordinal);
            });
        }
    }

    /// <summary>Deletes every key on every primary.</summary>
    public Task FlushAsync() => Task.WhenAll(Primaries.Select(s => s.FlushDatabaseAsync()));

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        await StopAsync();
    }

    private async Task StopAsync()
    {
        foreach (var process in _processes)
        {
            await RedisProcess.StopAsync(process);
        }

        _processes.Clear();
        RedisProcess.DeleteDirectory(_directory);
    }

    private async Task WaitUntilAsync(string what, Func<Task<bool>> ready)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_processes.FirstOrDefault(p => p.HasExited) is { } exited)
            {
                throw new InvalidOperationException($"redis-server exited ({exited.ExitCode}) while waiting for {what}");
            }

            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > ReadyWithin)
            {
                throw new TimeoutException($"Waited {ReadyWithin.TotalSeconds:0} s for {what}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>One inline command on a fresh connection; the reply's text (a status or a bulk string).</summary>
    private static async Task<string> ProbeAsync(int port, string command)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), timeout.Token);
        var reply = new StringBuilder();
        var buffer = new byte[4096];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                throw new IOException("connection closed");
            }

            reply.Append(Encoding.UTF8.GetString(buffer, 0, read));
            var text = reply.ToString();
            if (text.StartsWith('$'))
            {
                var header = text.IndexOf("\r\n", StringComparison.Ordinal);
                if (header > 0 && text.Length >= header + 2 + int.Parse(text[1..header], CultureInfo.InvariantCulture) + 2)
                {
                    return text[(header + 2)..];
                }
            }
            else if (text.EndsWith("\r\n", StringComparison.Ordinal))
            {
                return text[1..^2];
            }
        }
    }

    /// <summary>Three ports whose bus ports (port + 10000) are free too, six distinct ports in all.</summary>
    private static int[] FreePorts()
    {
        var taken = new HashSet<int>();
        var ports = new List<int>();
        while (ports.Count < Nodes)
        {
            var port = Random.Shared.Next(LowestPort, HighestPort);
            if (!taken.Contains(port) && !taken.Contains(port + BusOffset) && IsFree(port) && IsFree(port + BusOffset))
            {
                ports.Add(port);
                taken.Add(port);
                taken.Add(port + BusOffset);
            }
        }

        return [.. ports];
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
