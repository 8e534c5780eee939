using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CustomerProtection.AppHost.Infrastructure;

/// <summary>
/// Healthy once epmd answers a NAMES request on 127.0.0.1:port with its own port number. A real request rather
/// than a bare connect, which epmd would log as a "partial packet".
/// </summary>
internal sealed class EpmdHealthCheck(int port) : IHealthCheck
{
    private const byte NamesRequest = 110;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync(new byte[] { 0, 1, NamesRequest }, cancellationToken).ConfigureAwait(false);

            var answer = new byte[4];
            await stream.ReadExactlyAsync(answer, cancellationToken).ConfigureAwait(false);
            var answeredPort = (answer[0] << 24) | (answer[1] << 16) | (answer[2] << 8) | answer[3];
            return answeredPort == port
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"127.0.0.1:{port} answered as epmd on port {answeredPort}.");
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return HealthCheckResult.Unhealthy($"epmd does not answer on 127.0.0.1:{port} yet.", ex);
        }
    }
}
