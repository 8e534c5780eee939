using CustomerProtection.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerProtection.Time;

public static class PolicyCoreExtensions
{
    /// <summary>
    /// The policy book (section <c>Policy</c>: versions of parameters with effective dates, P-14) and
    /// the working-day calendar (holiday-cn files, <c>Policy:CalendarDirectory</c>, reloadable), as
    /// singletons every use case shares. A misspelt parameter name fails the start, not a decision.
    /// </summary>
    public static IHostApplicationBuilder AddPolicyCore(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(PolicySettings.SectionName)
            .Get<PolicySettings>(binder => binder.ErrorOnUnknownConfiguration = true) ?? new PolicySettings();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(PolicyBook.FromSettings(settings));
        builder.Services.AddSingleton(CalendarProvider.Create(settings.CalendarDirectory));
        return builder;
    }
}
