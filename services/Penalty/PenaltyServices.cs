using CustomerProtection.Penalty.Application;
using CustomerProtection.Penalty.Domain;
using CustomerProtection.Penalty.Persistence;
using CustomerProtection.Policy;

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
        var policy = builder.Configuration.GetSection(PolicySettings.SectionName)
            .Get<PolicySettings>(o => o.ErrorOnUnknownConfiguration = true);
        var schedule = builder.Configuration.GetSection(PenaltyScheduleSettings.SectionName)
            .Get<PenaltyScheduleSettings>(o => o.ErrorOnUnknownConfiguration = true);
        builder.Services.AddSingleton(new FineParameterSource(PolicyBook.FromSettings(policy), PenaltyScheduleBook.FromSettings(schedule)));

        builder.Services.AddSingleton<PenaltyStore>();
        builder.Services.AddSingleton<RecordViolation>();
        builder.Services.AddSingleton<FineSteps>();
        builder.Services.AddSingleton<QueryPenalties>();
        return builder;
    }
}
