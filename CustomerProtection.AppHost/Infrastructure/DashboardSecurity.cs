using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace CustomerProtection.AppHost.Infrastructure;

/// <summary>
/// C-4: the dashboard shows every service's logs, traces and environment, where customer data and secrets
/// appear. Outside development it authenticates everything, which is Aspire's own default: the frontend asks
/// for the browser token (<c>AppHost:BrowserToken</c>, else one per run in the AppHost's log), the OTLP endpoint
/// and the telemetry API for an API key (<c>AppHost:OtlpApiKey</c>, <c>AppHost:DashboardApiKey</c>, else one per
/// run), and the AppHost hands the services the OTLP key (<c>OTEL_EXPORTER_OTLP_HEADERS</c>). This refuses the
/// switch that turns it all off; the <c>http</c> launch profile (<c>./run.sh</c>, Development) keeps it.
/// </summary>
internal static class DashboardSecurity
{
    private static readonly string[] AnonymousSwitches =
        ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS", "DOTNET_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"];

    public static void Check(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment())
        {
            return;
        }

        foreach (var key in AnonymousSwitches)
        {
            if (bool.TryParse(configuration[key], out var anonymous) && anonymous)
            {
                throw new InfrastructureSetupException(
                    $"C-4: {key}=true leaves the dashboard, its OTLP endpoint and its telemetry API open to anyone, which only " +
                    $"Development may do (this is {environment.EnvironmentName}). Remove it: the dashboard then asks for a browser token and " +
                    "an API key (AppHost:BrowserToken, AppHost:OtlpApiKey, AppHost:DashboardApiKey; generated per run when unset).");
            }
        }
    }
}
