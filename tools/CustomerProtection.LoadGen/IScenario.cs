using Grpc.Net.Client;

namespace CustomerProtection.LoadGen;

/// <summary>
/// One load scenario (a file under Scenarios/). The runner gives it channels to the services of a
/// running system and a token factory; the scenario prepares its data, then runs calls from
/// <c>concurrency</c> callers for the given time and reports its own numbers.
/// </summary>
public interface IScenario
{
    /// <summary>The name given to <c>--scenario</c>.</summary>
    string Name { get; }

    string Description { get; }

    Task RunAsync(ScenarioContext context, CancellationToken cancellationToken);
}

public sealed record ScenarioContext(
    IReadOnlyDictionary<string, GrpcChannel> Channels,
    Func<string, string, string?, string?, string> Token,
    int Concurrency,
    TimeSpan Duration,
    int Count,
    TextWriter Output,
    TimeSpan Warmup,
    double Rate)
{
    public GrpcChannel Channel(string service) => Channels.TryGetValue(service, out var channel)
        ? channel
        : throw new InvalidOperationException($"--target {service}=http://host:port is required for this scenario");
}
