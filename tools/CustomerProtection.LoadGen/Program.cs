using CustomerProtection.Tokens;
using System.CommandLine;
using System.Net;
using CustomerProtection.LoadGen;
using CustomerProtection.Policy.Actors;
using Grpc.Net.Client;

// Load generator against a running system (./run.sh): targets are the services' grpc endpoints
// (see the dashboard), tokens are minted with the development signing key.
var scenarios = typeof(IScenario).Assembly.GetTypes()
    .Where(t => typeof(IScenario).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
    .Select(t => (IScenario)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Name, StringComparer.Ordinal)
    .ToList();

var scenario = new Option<string>("--scenario") { Description = "one of: " + string.Join(", ", scenarios.Select(s => s.Name)), Required = true };
var targets = new Option<string[]>("--target") { Description = "service=http://127.0.0.1:port (repeat per service)", AllowMultipleArgumentsPerToken = true };
var keyFile = new Option<FileInfo>("--key-file") { Description = "development signing key (.data/dev-signing.key)", DefaultValueFactory = _ => new FileInfo(".data/dev-signing.key") };
var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 64 };
var seconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 20 };
var warmup = new Option<int>("--warmup") { Description = "seconds of the same load before measuring (not recorded)", DefaultValueFactory = _ => 15 };
var rate = new Option<double>("--rate") { Description = "calls per second for the closed-loop scenarios (0: as fast as the system answers)", DefaultValueFactory = _ => 0 };
var timeline = new Option<DirectoryInfo?>("--timeline") { Description = "also write each measured run's latencies per 100 ms (wall clock, calls, p50, p99, max) to DIR/<run>.timeline.txt" };
var count = new Option<int>("--count") { Description = "data size for scenarios that prepare data", DefaultValueFactory = _ => 10_000 };

var root = new RootCommand("CustomerProtection load generator (loopback only)") { scenario, targets, keyFile, concurrency, seconds, warmup, rate, count, timeline };
root.SetAction(async (parse, cancellationToken) =>
{
    var chosen = scenarios.SingleOrDefault(s => s.Name == parse.GetValue(scenario));
    if (chosen is null)
    {
        Console.Error.WriteLine("unknown scenario; one of: " + string.Join(", ", scenarios.Select(s => $"{s.Name} ({s.Description})")));
        return 2;
    }

    if (parse.GetValue(timeline) is { } directory)
    {
        directory.Create();
        LoadRunner.TimelineDirectory = directory.FullName;
    }

    var channels = new Dictionary<string, GrpcChannel>();
    foreach (var target in parse.GetValue(targets) ?? [])
    {
        var (service, url) = (target.Split('=', 2)[0], new Uri(target.Split('=', 2)[1]));
        if (!IPAddress.TryParse(url.Host, out var ip) ? url.Host != "localhost" : !IPAddress.IsLoopback(ip))
        {
            Console.Error.WriteLine($"{url}: load is sent to loopback addresses only");
            return 2;
        }

        channels[service] = GrpcChannel.ForAddress(url, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
    }

    var key = (await File.ReadAllTextAsync(parse.GetValue(keyFile)!.FullName, cancellationToken)).Trim();
    string Token(string employee, string role, string? branch, string? region) =>
        DevTokens.Mint(key, employee, role, branch, region, TimeProvider.System.GetUtcNow(), TimeSpan.FromHours(2));

    await chosen.RunAsync(new ScenarioContext(channels, Token, parse.GetValue(concurrency), TimeSpan.FromSeconds(parse.GetValue(seconds)), parse.GetValue(count), Console.Out,
        TimeSpan.FromSeconds(parse.GetValue(warmup)), parse.GetValue(rate)), cancellationToken);
    return 0;
});

return await root.Parse(args).InvokeAsync();
