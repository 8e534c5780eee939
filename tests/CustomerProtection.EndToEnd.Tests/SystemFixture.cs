using CustomerProtection.Tokens;
using System.Diagnostics;
using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using CustomerProtection.Policy.Actors;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// The real system, started once for the whole test run through the real AppHost (what users
/// start is what the tests start): local redis-server and rabbitmq-server in fresh folders, the
/// four services, a signing key of the test's own, and the controllable clock switched on.
/// </summary>
public class SystemFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private readonly Dictionary<string, GrpcChannel> _channels = [];

    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public DistributedApplication App { get; private set; } = null!;
    public TimeSpan StartedIn { get; private set; }

    public virtual async Task InitializeAsync()
    {
        var watch = Stopwatch.StartNew();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CustomerProtection_AppHost>(TestingOptions,
        [
            "--Infrastructure:Ephemeral=true",
            "--Infrastructure:Mode=local",
            $"--Auth:SigningKey={SigningKey}",
            "--Clock:Controllable=true",
            .. ExtraArguments(),
        ]);
        App = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(StartTimeout);
        await App.StartAsync(cts.Token);
        foreach (var service in ApiServices)
        {
            try
            {
                await App.ResourceNotifications.WaitForResourceHealthyAsync(service, cts.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new InvalidOperationException($"{service} did not start. Its last log lines:\n{await LastLogLinesAsync(service)}", ex);
            }
        }

        StartedIn = watch.Elapsed;
    }

    /// <summary>The last 40 lines a resource (a service, one replica of it) logged: why it did not start or stopped.</summary>
    public async Task<string> LastLogLinesAsync(string resource) => string.Join('\n', (await LogLinesAsync(resource)).TakeLast(40));

    /// <summary>The lines of a resource's log that contain <paramref name="marker"/>, each with the lines after it (an exception's type and first frames).</summary>
    public async Task<string> LogLinesAfterAsync(string resource, string marker, int following = 3, int most = 10)
    {
        var lines = await LogLinesAsync(resource);
        return string.Join('\n', lines.Select((line, i) => (line, i))
            .Where(l => l.line.Contains(marker, StringComparison.Ordinal))
            .Take(most)
            .SelectMany(l => lines.Skip(l.i).Take(1 + following)));
    }

    /// <summary>
    /// What a resource logged so far. The console logs are kept per process, under its resource id
    /// (<c>notifications-&lt;suffix&gt;</c>): a name is resolved to its (first) process's id, an id (one replica's) is taken as it is.
    /// </summary>
    public async Task<List<string>> LogLinesAsync(string resource)
    {
        var id = App.ResourceNotifications.TryGetCurrentState(resource, out var current) ? current.ResourceId : resource;
        var lines = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(id).WithCancellation(cts.Token))
            {
                lines.AddRange(batch.Select(l => l.Content));
            }
        }
        catch (OperationCanceledException)
        {
            // What arrived in the time given is enough to say why.
        }

        return lines;
    }

    /// <summary>How the test host builds the AppHost (e.g. with the dashboard, which tests otherwise leave out).</summary>
    protected virtual DistributedApplicationTestingBuilderOptions TestingOptions => new();

    /// <summary>More AppHost arguments for a variant of the system (e.g. with TLS).</summary>
    protected virtual IEnumerable<string> ExtraArguments() => [];

    protected virtual GrpcChannel CreateChannel(Uri address) => GrpcChannel.ForAddress(address);

    public static readonly string[] Services =
        [ResourceNames.Registration, ResourceNames.Territory, ResourceNames.Arbitration, ResourceNames.Penalty];

    /// <summary>Every process that serves the API (gRPC and JSON): the four services and the notifications worker.</summary>
    public static readonly string[] ApiServices = [.. Services, ResourceNames.Notifications];

    public GrpcChannel Channel(string service)
    {
        lock (_channels)
        {
            if (!_channels.TryGetValue(service, out var channel))
            {
                channel = CreateChannel(App.GetEndpoint(service, ResourceNames.GrpcEndpoint));
                _channels[service] = channel;
            }

            return channel;
        }
    }

    public string Token(string employeeId, string role, string? branch = null, string? region = null) =>
        DevTokens.Mint(SigningKey, employeeId, role, branch, region, TimeProvider.System.GetUtcNow(), TimeSpan.FromHours(1));

    public static Metadata Bearer(string token) => new() { { "Authorization", "Bearer " + token } };

    public Metadata As(string employeeId, string role, string? branch = null, string? region = null) =>
        Bearer(Token(employeeId, role, branch, region));

    public virtual async Task DisposeAsync()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}
