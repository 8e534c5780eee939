using CustomerProtection.Penalty.Domain;
using NodaTime;

namespace CustomerProtection.Penalty.Application;

/// <summary>P-14: the rule book's parameters and the Penalty schedule in force on a violation's day.</summary>
public sealed class FineParameterSource(PolicyBook policy, PenaltyScheduleBook schedule)
{
    public FineParameters For(DateOnly day)
    {
        var date = new LocalDate(day.Year, day.Month, day.Day);
        if (!policy.TryFor(date, out var parameters))
        {
            throw new PolicyRefusalException("P-14", $"违规日期 {day:yyyy-MM-dd} 早于政策生效日 / the violation predates the policy",
                new Dictionary<string, string>
                {
                    ["violation_date"] = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    ["policy_start"] = PolicyBook.PolicyStart.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                });
        }

        return new FineParameters(parameters, schedule.For(date));
    }
}
