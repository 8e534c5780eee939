using Microsoft.Extensions.Configuration;
using OpenTelemetry.Trace;

namespace CustomerProtection.ServiceDefaults;

/// <summary>
/// Which traces are recorded. Operators follow every call on the dashboard, so the default keeps
/// them all (ratio 1). Under load the dashboard's ingestion of ~10 spans per call costs as much CPU
/// as the services themselves (docs/territory.md), so a deployment or a load run sets
/// <c>Telemetry:TraceSampleRatio</c> (0..1) for the calls that start a trace. Parent-based: a call
/// that continues a trace (another service, an outbox entry's traceparent, a consumer) follows the
/// decision taken where the trace began, so a sampled trace is always whole across services.
/// </summary>
public static class TraceSampling
{
    public static Sampler FromConfiguration(IConfiguration configuration)
    {
        var ratio = configuration.GetValue<double?>(CustomerProtection.SharedConfigKeys.TraceSampleRatio) ?? 1.0;
        if (ratio is < 0 or > 1 || double.IsNaN(ratio))
        {
            throw new InvalidOperationException($"{CustomerProtection.SharedConfigKeys.TraceSampleRatio} must be between 0 and 1; it is {ratio}.");
        }

        Sampler root = ratio switch
        {
            1.0 => new AlwaysOnSampler(),
            0.0 => new AlwaysOffSampler(),
            _ => new TraceIdRatioBasedSampler(ratio),
        };
        return new ParentBasedSampler(root);
    }
}
