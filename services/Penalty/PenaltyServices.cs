using CustomerProtection.Penalty.Application;
using CustomerProtection.Penalty.Domain;
using CustomerProtection.Penalty.Persistence;
using CustomerProtection.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CustomerProtection.Penalty;

public static class PenaltyServices
{
    /// <summary>
    /// Penalty's own parts: the parameters (the rule book's, section <c>Policy</c>, and the Penalty
    /// schedule, section <c>Penalty:Schedule</c>, both versioned by effective date, P-14; a misspelt
    /// name fails the start), the store and the use cases.
    /// </summary>
    public static IHostApplicationBuilder AddPenaltyServices(this IHostApplicationBuilder builder)
    {
        // The policy book is shared by every service's defaults where they provide it; otherwise built here the same way.
        builder.Services.TryAddSingleton(PolicyBook.FromSettings(builder.Configuration.GetSection(PolicySettings.SectionName)
            .Get<PolicySettings>(o => o.ErrorOnUnknownConfiguration = true)));
        var schedule = PenaltyScheduleBook.FromSettings(builder.Configuration.GetSection(PenaltyScheduleSettings.SectionName)
            .Get<PenaltyScheduleSettings>(o => o.ErrorOnUnknownConfiguration = true));
        builder.Services.AddSingleton(sp => new FineParameterSource(sp.GetRequiredService<PolicyBook>(), schedule));

        builder.Services.AddSingleton<PenaltyStore>();
        builder.Services.AddSingleton<RecordViolation>();
        builder.Services.AddSingleton<FineSteps>();
        builder.Services.AddSingleton<QueryPenalties>();
        return builder;
    }
}
