using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;
using Xunit;

namespace CustomerProtection.Testing;

/// <summary>
/// A tiny SMTP server on loopback that keeps every message it accepts (parsed with MimeKit): the relay of the
/// e-mail channel's tests and of the system the end-to-end tests start. <see cref="Down"/> makes it answer every
/// connection with 421 (service not available), as a relay in an outage does; <see cref="StopAsync"/> and
/// <see cref="Start"/> take it away (connections refused) and bring it back on the same port, as a relay that
/// is restarted. One per test class (IClassFixture) or system; a test starts with <see cref="Reset"/> or tells
/// its mails apart by their recipients.
/// </summary>
public sealed class SmtpSink : IAsyncLifetime, IAsyncDisposable
{
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;
    private Task _accepting = Task.CompletedTask;

    public Task InitializeAsync()
    {
        Start();
        return Task.CompletedTask;
    }

    /// <summary>Listens (again) on <see cref="Port"/>: a free one the first time, the same one after <see cref="StopAsync"/>.</summary>
    public void Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _stop = new CancellationTokenSource();
        _accepting = AcceptAsync(listener, _stop.Token);
    }

    /// <summary>Stops listening: a connection is refused until <see cref="Start"/>, as when the relay is down.</summary>
    public async Task StopAsync()
    {
        if (_listener is null || _stop is null)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
        (_listener, _stop) = (null, null);
    }

    /// <summary>Up, empty, nothing refused yet.</summary>
    public void Reset()
    {
        Down = false;
        Messages.Clear();
        _refused = 0;
    }

    /// <summary>0 until the first <see cref="Start"/>.</summary>
    public int Port { get; private set; }

    public bool Down { get; set; }

    /// <summary>How many connections were refused while <see cref="Down"/>.</summary>
    public int Refused => _refused;

    private int _refused;

    public ConcurrentQueue<MimeMessage> Messages { get; } = new();

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.Latin1);
        await using var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
        if (Down)
        {
            Interlocked.Increment(ref _refused);
            await writer.WriteLineAsync("421 4.3.2 Service not available");
            return;
        }

        await writer.WriteLineAsync("220 sink ESMTP");
        while (await reader.ReadLineAsync() is { } line)
        {
            var command = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (command)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250 sink"); // no 8BITMIME: the client sends 7-bit (base64, quoted-printable)
                    break;
                case "HELO" or "MAIL" or "RCPT" or "RSET" or "NOOP":
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                    {
                        data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                    }

                    Messages.Enqueue(await MimeMessage.LoadAsync(new MemoryStream(Encoding.Latin1.GetBytes(data.ToString()))));
                    await writer.WriteLineAsync("250 2.0.0 queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 bye");
                    return;
                default:
                    await writer.WriteLineAsync("502 5.5.2 not implemented");
                    break;
            }
        }
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    public Task DisposeAsync() => StopAsync();
}
