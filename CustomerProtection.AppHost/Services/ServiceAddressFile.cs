using System.Text.Json;

namespace CustomerProtection.AppHost.Services;

/// <summary>
/// <c>&lt;data&gt;/services.json</c>: each service's addresses, written as soon as Aspire has allocated the endpoints, so
/// that <c>cpctl</c>, scripts and operators find a running system without asking the dashboard (whose resource service
/// is not made for scripts):
/// <c>{"registration": {"grpc": "http://localhost:40123", "api": "...", "openapi": ".../openapi/v1.json", "health": ".../health", "alive": ".../alive"}, ...}</c>.
/// Ports change at every start; the file is rewritten then. Addresses are not secrets (loopback, every call needs a token).
/// </summary>
internal sealed class ServiceAddressFile
{
    public const string FileName = "services.json";

    private readonly SortedDictionary<string, SortedDictionary<string, string>> _addresses = new(StringComparer.Ordinal);

    public ServiceAddressFile(string dataDirectory)
    {
        Path = System.IO.Path.Combine(dataDirectory, FileName);
        // A previous run's file names ports that are gone: start without one.
        File.Delete(Path);
    }

    public string Path { get; }

    /// <summary>Records the service's endpoints in the file once they are allocated.</summary>
    public IResourceBuilder<ProjectResource> Track(IResourceBuilder<ProjectResource> service)
    {
        return service.OnResourceEndpointsAllocated((resource, _, _) =>
        {
            var probes = resource.GetEndpoint(ResourceNames.HttpEndpoint).Url;
            var api = resource.GetEndpoint(ResourceNames.ApiEndpoint).Url;
            var entry = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["grpc"] = resource.GetEndpoint(ResourceNames.GrpcEndpoint).Url,
                ["api"] = api,
                ["openapi"] = api + "/openapi/v1.json",
                ["health"] = probes + "/health",
                ["alive"] = probes + "/alive",
            };
            Write(resource.Name, entry);
            return Task.CompletedTask;
        });
    }

    /// <summary>Records a web inbox (development's smtp4dev) as <c>{"inbox": url}</c>, where <c>cpctl demo</c> reads the mails it caused.</summary>
    public IResourceBuilder<ExecutableResource> TrackInbox(IResourceBuilder<ExecutableResource> inbox, string endpointName)
    {
        return inbox.OnResourceEndpointsAllocated((resource, _, _) =>
        {
            Write(resource.Name, new(StringComparer.Ordinal) { ["inbox"] = resource.GetEndpoint(endpointName).Url });
            return Task.CompletedTask;
        });
    }

    private void Write(string name, SortedDictionary<string, string> entry)
    {
        lock (_addresses)
        {
            _addresses[name] = entry;
            // Written whole to a temporary file and renamed: a reader never sees half a file.
            var temporary = Path + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(_addresses, s_indented));
            File.Move(temporary, Path, overwrite: true);
        }
    }

    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };
}
