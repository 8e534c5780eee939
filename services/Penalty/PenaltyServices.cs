using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Penalty.Application;
using CustomerProtection.Penalty.Domain;
using CustomerProtection.Penalty.Persistence;

namespace CustomerProtection.Penalty;

public static class PenaltyServices
{
    /// <summary>The service account Penalty asks Registration with (see <see cref="ServiceCalls.AddServiceAccount"/>).</summary>
    public const string ServiceAccountKey = "Penalty:ServiceAccount";

    /// <summary>
    /// Penalty's own parts: the parameters (the rule book's in force, from the clock seam of
    /// <c>AddPolicyInForce</c>, and the Penalty schedule, section <c>Penalty:Schedule</c>, both versioned
    /// by effective date, P-14; a misspelt name fails the start), the store and the use cases.
    /// </summary>
    public static IHostApplicationBuilder AddPenaltyServices(this IHostApplicationBuilder builder)
    {
        var schedule = PenaltyScheduleBook.FromSettings(builder.Configuration.GetSection(PenaltyScheduleSettings.SectionName)
            .Get<PenaltyScheduleSettings>(o => o.ErrorOnUnknownConfiguration = true));
        builder.Services.AddSingleton(sp => new FineParameterSource(sp.GetRequiredService<PolicyClock>().Book, schedule));

        builder.Services.AddSingleton<PenaltyStore>();
        builder.Services.AddSingleton<RecordViolation>();
        builder.Services.AddSingleton<FineSteps>();
        builder.Services.AddSingleton<DeclareSeriousCase>();
        builder.Services.AddSingleton<QueryPenalties>();

        // C-7, C-9: each caller's account state from Registration, asked under Penalty's own account.
        builder.AddServiceAccount(ServiceAccountKey, "svc-penalty");
        builder.AddAccountStatesFromRegistration();
        return builder;
    }
}
