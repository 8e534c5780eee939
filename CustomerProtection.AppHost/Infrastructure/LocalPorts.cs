using System.Net;
using System.Net.Sockets;

namespace CustomerProtection.AppHost.Infrastructure;

internal static class LocalPorts
{
    /// <summary>
    /// Free loopback ports for the listeners whose numbers must be known up front: those that are not Aspire
    /// endpoints (epmd, Erlang distribution) and the endpoints reached without DCP's proxy. All of one call are
    /// taken at once, and no port is handed out twice by this AppHost.
    /// </summary>
    public static int[] TakeFree(int count)
    {
        lock (Given)
        {
            var listeners = new List<TcpListener>();
            try
            {
                var ports = new List<int>(count);
                while (ports.Count < count)
                {
                    var listener = new TcpListener(IPAddress.Loopback, 0);
                    listeners.Add(listener);
                    listener.Start();
                    // Held open until all are taken, so one call never gets a port twice; Given keeps calls apart.
                    var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                    if (Given.Add(port))
                    {
                        ports.Add(port);
                    }
                }

                return [.. ports];
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

    private static readonly HashSet<int> Given = [];
}
