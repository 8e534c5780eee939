using System.Net;
using System.Net.Sockets;

namespace CustomerProtection.AppHost.Infrastructure;

internal static class LocalPorts
{
    /// <summary>
    /// Free loopback ports for the few listeners that are not Aspire endpoints (epmd, Erlang distribution): the
    /// Erlang side needs the numbers up front. All are taken at once so they are distinct.
    /// </summary>
    public static int[] TakeFree(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }
}
