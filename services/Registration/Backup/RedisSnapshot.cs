using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Backup;

/// <summary>The server refused the snapshot, or the connection ended before it was whole.</summary>
public sealed class RedisSnapshotException(string message) : Exception(message);

/// <summary>
/// C-8: a point-in-time snapshot of the whole Redis, taken online the way a replica (and
/// <c>redis-cli --rdb</c>) gets one: <c>SYNC</c> makes the server fork and send an RDB file consistent at
/// one instant while it keeps serving. Streamed to <paramref name="sink"/>, never held whole.
/// Over TLS and with the password when the service's own connection string has them, checking the
/// server's certificate as the service's connection does (<paramref name="certificate"/>: the private CA).
/// </summary>
public static class RedisSnapshot
{
    private const int EofMarkBytes = 40;

    public static async Task CopyAsync(EndPoint server, ConfigurationOptions options, RemoteCertificateValidationCallback? certificate,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> sink, CancellationToken cancellationToken)
    {
        var (host, port) = server switch
        {
            DnsEndPoint dns => (dns.Host, dns.Port),
            IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            _ => throw new RedisSnapshotException($"Cannot take a snapshot from {server}: not a host and port."),
        };
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host, port, cancellationToken);
        Stream stream = tcp.GetStream();
        if (options.Ssl)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = options.SslHost ?? host,
                RemoteCertificateValidationCallback = certificate,
            }, cancellationToken);
            stream = ssl;
        }

        await using (stream)
        {
            var reader = new Reader(stream);
            if (options.Password is { Length: > 0 } password)
            {
                await SendAsync(stream, options.User is { Length: > 0 } user ? ["AUTH", user, password] : ["AUTH", password], cancellationToken);
                Expect(await reader.LineAsync(cancellationToken), "AUTH");
            }

            // Redis 7: the snapshot only — the server then closes instead of keeping us as a replica.
            await SendAsync(stream, ["REPLCONF", "rdb-only", "1"], cancellationToken);
            Expect(await reader.LineAsync(cancellationToken), "REPLCONF rdb-only");
            await SendAsync(stream, ["SYNC"], cancellationToken);

            // While the server prepares the snapshot it sends bare newlines to keep the link alive.
            var head = await reader.LineAsync(cancellationToken);
            while (head.Length == 0)
            {
                head = await reader.LineAsync(cancellationToken);
            }

            if (!head.StartsWith('$'))
            {
                throw new RedisSnapshotException($"SYNC was refused: {head}");
            }

            if (head.StartsWith("$EOF:", StringComparison.Ordinal))
            {
                // Diskless: the file streams straight from the fork and ends with this 40-byte mark.
                await reader.CopyUntilAsync(Encoding.ASCII.GetBytes(head[5..]), sink, cancellationToken);
            }
            else
            {
                await reader.CopyExactlyAsync(long.Parse(head[1..], System.Globalization.CultureInfo.InvariantCulture), sink, cancellationToken);
            }
        }
    }

    private static void Expect(string line, string command)
    {
        if (!line.StartsWith('+'))
        {
            throw new RedisSnapshotException($"{command} was refused: {line}");
        }
    }

    private static async Task SendAsync(Stream stream, string[] parts, CancellationToken cancellationToken)
    {
        var text = new StringBuilder().Append('*').Append(parts.Length).Append("\r\n");
        foreach (var part in parts)
        {
            text.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    private sealed class Reader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[1 << 16];
        private int _start;
        private int _end;

        public async Task<string> LineAsync(CancellationToken cancellationToken)
        {
            var line = new List<byte>();
            while (true)
            {
                if (_start == _end)
                {
                    await FillAsync(cancellationToken);
                }

                var b = _buffer[_start++];
                if (b == (byte)'\n')
                {
                    return Encoding.UTF8.GetString(line.ToArray()).TrimEnd('\r');
                }

                line.Add(b);
            }
        }

        public async Task CopyExactlyAsync(long length, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> sink, CancellationToken cancellationToken)
        {
            while (length > 0)
            {
                if (_start == _end)
                {
                    await FillAsync(cancellationToken);
                }

                var take = (int)Math.Min(length, _end - _start);
                await sink(_buffer.AsMemory(_start, take), cancellationToken);
                _start += take;
                length -= take;
            }
        }

        /// <summary>Copies up to <paramref name="mark"/>, holding back the last bytes read until it is sure they are not the mark.</summary>
        public async Task CopyUntilAsync(byte[] mark, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> sink, CancellationToken cancellationToken)
        {
            if (mark.Length != EofMarkBytes)
            {
                throw new RedisSnapshotException($"Unexpected end mark of {mark.Length} bytes.");
            }

            var window = new byte[EofMarkBytes + _buffer.Length];
            var held = 0;
            while (true)
            {
                if (_start == _end)
                {
                    await FillAsync(cancellationToken);
                }

                var take = _end - _start;
                _buffer.AsSpan(_start, take).CopyTo(window.AsSpan(held));
                _start += take;
                held += take;
                var at = window.AsSpan(0, held).IndexOf(mark);
                if (at >= 0)
                {
                    await sink(window.AsMemory(0, at), cancellationToken);
                    return;
                }

                if (held > EofMarkBytes)
                {
                    await sink(window.AsMemory(0, held - EofMarkBytes), cancellationToken);
                    window.AsSpan(held - EofMarkBytes, EofMarkBytes).CopyTo(window);
                    held = EofMarkBytes;
                }
            }
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            _start = 0;
            _end = await stream.ReadAsync(_buffer, cancellationToken);
            if (_end == 0)
            {
                throw new RedisSnapshotException("The server closed the connection before the snapshot was whole.");
            }
        }
    }
}
