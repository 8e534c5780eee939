using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace CustomerProtection.Testing;

/// <summary>An HTTP server on loopback that keeps every POST it gets (path with query, JSON body) and answers as the robots do (code 0).</summary>
public sealed class WebhookReceiver : IAsyncLifetime, IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private Task _serving = Task.CompletedTask;

    public string BaseUrl { get; } = $"http://127.0.0.1:{FreePort()}/";

    public ConcurrentQueue<(string PathAndQuery, JsonElement Body)> Posts { get; } = new();

    public Task InitializeAsync()
    {
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _serving = ServeAsync();
        return Task.CompletedTask;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            Posts.Enqueue((context.Request.Url!.PathAndQuery, JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone()));
            var answer = Encoding.UTF8.GetBytes("""{"errcode":0,"code":0,"errmsg":"ok"}""");
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    public async Task DisposeAsync()
    {
        _listener.Stop();
        await _serving;
        _listener.Close();
    }
}
