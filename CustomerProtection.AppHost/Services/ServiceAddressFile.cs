using System.Text.Json;

namespace CustomerProtection.AppHost.Services;

/// <summary>
/// <c>&lt;data&gt;/services.json</c>: each service's gRPC address, written as soon as Aspire has allocated the
/// endpoints, so that <c>cpctl</c> finds a running system without asking the dashboard (whose resource service is
/// not made for scripts). <c>{"registration": "http://localhost:40123", ...}</c>. Ports change at every start; the
/// file is rewritten then. Addresses are not secrets (loopback, every call needs a token).
/// </summary>
internal sealed class ServiceAddressFile
{
    public const string FileName = "services.json";

    private readonly SortedDictionary<string, string> _addresses = new(StringComparer.Ordinal);

    public ServiceAddressFile(string dataDirectory)
    {
        Path = System.IO.Path.Combine(dataDirectory, FileName);
        // A previous run's file names ports that are gone: start without one.
        File.Delete(Path);
    }

    public string Path { get; }

    /// <summary>Records the service's gRPC endpoint in the file once it is allocated.</summary>
    public IResourceBuilder<ProjectResource> Track(IResourceBuilder<ProjectResource> service)
    {
        return service.OnResourceEndpointsAllocated((resource, _, _) =>
        {
            var url = resource.GetEndpoint(ResourceNames.GrpcEndpoint).Url;
            lock (_addresses)
            {
                _addresses[resource.Name] = url;
                // Written whole to a temporary file and renamed: a reader never sees half a file.
                var temporary = Path + ".tmp";
                File.WriteAllText(temporary, JsonSerializer.Serialize(_addresses, s_indented));
                File.Move(temporary, Path, overwrite: true);
            }

            return Task.CompletedTask;
        });
    }

    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };
}
