using System.Globalization;
using CustomerProtection.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace CustomerProtection.AppHost.Services;

/// <summary>
/// <c>Replicas:&lt;service&gt;</c> (e.g. <c>--Replicas:Registration=2</c>): how many processes of a service run locally
/// behind its one address. Unset or 1: one process on its own ports, as always.
/// </summary>
internal sealed class ReplicaSettings
{
    public const string Section = "Replicas";

    private readonly Dictionary<string, int> _counts;

    private ReplicaSettings(Dictionary<string, int> counts) => _counts = counts;

    public int Of(string service) => _counts.GetValueOrDefault(service, 1);

    /// <param name="services">The resource names that may be replicated; any other name is a typo and refused.</param>
    public static ReplicaSettings FromConfiguration(IConfiguration configuration, IReadOnlyCollection<string> services)
    {
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            var service = services.FirstOrDefault(s => string.Equals(s, entry.Key, StringComparison.OrdinalIgnoreCase))
                ?? throw new InfrastructureSetupException(
                    $"{Section}:{entry.Key}: no such service (one of {string.Join(", ", services)}).");
            if (!int.TryParse(entry.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
            {
                throw new InfrastructureSetupException($"{Section}:{entry.Key} must be a whole number of at least 1 (got '{entry.Value}').");
            }

            counts[service] = count;
        }

        return new(counts);
    }
}
