using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CustomerProtection.ServiceDefaults;

/// <summary>The ActivitySource and Meter of the CustomerProtection code itself (domain metrics, outbox spans).</summary>
public static class Telemetry
{
    public const string ActivitySourceName = "CustomerProtection";
    public const string MeterName = "CustomerProtection";

    public static readonly ActivitySource Source = new(ActivitySourceName);
    public static readonly Meter Meter = new(MeterName);
}
