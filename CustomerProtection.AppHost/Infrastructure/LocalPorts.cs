using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CustomerProtection.AppHost.Infrastructure;

internal static class LocalPorts
{
    private static readonly HashSet<int> Given = [];

    /// <summary>
    /// Free loopback ports for the listeners whose numbers must be known up front: those that are not Aspire
    /// endpoints (epmd, Erlang distribution) and the endpoints reached without DCP's proxy. A port is chosen
    /// seconds before its process listens on it, so it is taken below the kernel's ephemeral range: there no
    /// outgoing connection of any process can be given it meanwhile (a port from bind(0) could, and the
    /// service would then fail to start). Each is checked free when chosen, and no port is handed out twice
    /// by this AppHost.
    /// </summary>
    public static int[] TakeFree(int count)
    {
        lock (Given)
        {
            var (low, high) = BelowEphemeralRange();
            var ports = new List<int>(count);
            for (var attempt = 0; ports.Count < count; attempt++)
            {
                if (attempt > 10_000)
                {
                    throw new InvalidOperationException($"no free loopback port between {low} and {high}");
                }

                var port = Random.Shared.Next(low, high);
                if (!Given.Contains(port) && IsFree(port))
                {
                    Given.Add(port);
                    ports.Add(port);
                }
            }

            return [.. ports];
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A range under the first ephemeral port (Linux: ip_local_port_range; elsewhere the IANA range starts at 49152) and above the fixed ports.</summary>
    private static (int Low, int High) BelowEphemeralRange()
    {
        const string RangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        var first = 49152;
        if (File.Exists(RangeFile)
            && int.TryParse(File.ReadAllText(RangeFile).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start))
        {
            first = start;
        }

        // From 20000: under it are the dashboard's fixed ports of the launch profiles (15100, 19100, …).
        return first > 22_000 ? (20_000, first) : (1_024, first);
    }
}
