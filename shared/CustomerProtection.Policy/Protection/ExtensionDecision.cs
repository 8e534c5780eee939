using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace CustomerProtection.Policy;

/// <summary>Why an extension request is refused.</summary>
public enum ExtensionRefusal
{
    /// <summary>Not refused.</summary>
    None = 0,

    /// <summary>P-3.5: the period already ended; a lapsed protection cannot be extended.</summary>
    PeriodLapsed = 1,

    /// <summary>P-3.3: the request came later than the required lead time before expiry.</summary>
    TooLate = 2,

    /// <summary>P-3.3: the request would take the period's total extension over the cap.</summary>
    CapExceeded = 3,
}

/// <summary>
/// The answer to an extension request (P-3.3), with every number a refusal needs for its
/// <c>google.rpc.ErrorInfo</c> metadata (architecture.md, "Errors").
/// </summary>
/// <param name="Allowed">True iff the request may be approved.</param>
/// <param name="RuleId">"P-3.3" (too late, over the cap, or allowed) or "P-3.5" (already lapsed).</param>
/// <param name="Reason">The first failing check, in the order lapsed, too late, over the cap.</param>
/// <param name="Stage">Prospect (lead time in working days) or formal (calendar days).</param>
/// <param name="LastDay">The current last protected day.</param>
/// <param name="RequestDate">The date of the written request.</param>
/// <param name="LatestRequestDate">The last date on which a request is early enough.</param>
/// <param name="LeadTimeHave">Days (formal) or working days (prospect) from the request to the last day.</param>
/// <param name="LeadTimeNeed">The required lead time.</param>
/// <param name="LeadTimeMissing">How many (working) days too late the request is.</param>
/// <param name="LeadTimeInWorkingDays">True for prospects: the lead time counts working days.</param>
/// <param name="RequestedDays">The extra days asked for.</param>
/// <param name="CapDays">The cap on the total extension of one period.</param>
/// <param name="AlreadyExtendedDays">The extension already approved in this period.</param>
/// <param name="CapRemainingDays">What is left of the cap before this request.</param>
/// <param name="Provisional">True when the lead time depended on a year without calendar data.</param>
public sealed record ExtensionDecision(
    bool Allowed,
    string RuleId,
    ExtensionRefusal Reason,
    CustomerStage Stage,
    LocalDate LastDay,
    LocalDate RequestDate,
    LocalDate LatestRequestDate,
    int LeadTimeHave,
    int LeadTimeNeed,
    int LeadTimeMissing,
    bool LeadTimeInWorkingDays,
    int RequestedDays,
    int CapDays,
    int AlreadyExtendedDays,
    int CapRemainingDays,
    bool Provisional)
{
    /// <summary>The refusal reason as a stable code ("TooLate", "CapExceeded", "PeriodLapsed", "None").</summary>
    public string ReasonCode => Reason.ToString();

    /// <summary>The numbers as ErrorInfo metadata (string values, ISO dates).</summary>
    public IReadOnlyDictionary<string, string> ToErrorMetadata()
    {
        static string Date(LocalDate d) => LocalDatePattern.Iso.Format(d);
        static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            ["reason"] = ReasonCode,
            ["stage"] = Stage.ToString(),
            ["lastDay"] = Date(LastDay),
            ["requestDate"] = Date(RequestDate),
            ["latestRequestDate"] = Date(LatestRequestDate),
            ["leadTimeHave"] = Number(LeadTimeHave),
            ["leadTimeNeed"] = Number(LeadTimeNeed),
            ["daysMissing"] = Number(LeadTimeMissing),
            ["leadTimeUnit"] = LeadTimeInWorkingDays ? "workingDays" : "days",
            ["requestedDays"] = Number(RequestedDays),
            ["capDays"] = Number(CapDays),
            ["alreadyExtendedDays"] = Number(AlreadyExtendedDays),
            ["capRemainingDays"] = Number(CapRemainingDays),
            ["provisional"] = Provisional ? "true" : "false",
        };
    }
}
