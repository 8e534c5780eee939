using CustomerProtection.Registration.Domain;

namespace CustomerProtection.Registration.Application;

/// <summary>What the extension use cases (P-3.1, P-3.3) check alike: the numbers given, and the P-3.3 decision with its explanation.</summary>
public static class ExtensionChecks
{
    public const int MaxDays = 3650;

    /// <summary>P-3.3, P-3.5, P-14: an extension of <paramref name="days"/> asked on <paramref name="requestDate"/> is allowed, or refused with the rule and its numbers.</summary>
    public static void Decide(PolicyClock clock, Customer customer, ProtectionState state, NodaTime.LocalDate requestDate, int days)
    {
        if (state.End is not { } end)
        {
            throw new PolicyRefusalException("P-3.5", "客户不在保护期内 / the customer is not protected", new Dictionary<string, string> { ["status"] = state.Status });
        }

        // P-14: the parameters in force on the day of the request.
        var rules = ProtectionRules.ForEvent(clock.Book, clock.Calendar, requestDate);
        var decision = rules.EvaluateExtension(Protection.StageOf(customer), end.LastDay, requestDate, days, customer.ExtensionDays);
        if (!decision.Allowed)
        {
            throw new PolicyRefusalException(decision.RuleId, Explain(decision), decision.ToErrorMetadata());
        }
    }

    private static string Explain(ExtensionDecision d) => d.Reason switch
    {
        ExtensionRefusal.PeriodLapsed => $"保护期已于 {d.LastDay:yyyy-MM-dd} 结束，不能延期 / protection ended on {d.LastDay:yyyy-MM-dd} and cannot be extended",
        ExtensionRefusal.TooLate => $"须在 {d.LatestRequestDate:yyyy-MM-dd} 前（期满前 {d.LeadTimeNeed} {(d.LeadTimeInWorkingDays ? "个工作日" : "天")}）申请，晚了 {d.LeadTimeMissing} 天 / the request was due by {d.LatestRequestDate:yyyy-MM-dd} ({d.LeadTimeNeed} {(d.LeadTimeInWorkingDays ? "working days" : "days")} before expiry), {d.LeadTimeMissing} too late",
        _ => $"本保护期延期上限 {d.CapDays} 天，还剩 {d.CapRemainingDays} 天 / the period's extension cap is {d.CapDays} days, {d.CapRemainingDays} left",
    };

    public static void CheckDays(int days)
    {
        if (days is <= 0 or > MaxDays)
        {
            throw new RequestValidationException(new FieldViolation("days", $"1 到 {MaxDays} / 1 to {MaxDays}"));
        }
    }

    public static void CheckReason(string? reason)
    {
        if (reason?.Length > FilingRules.MaxTextLength)
        {
            throw new RequestValidationException(new FieldViolation("reason", $"最长 {FilingRules.MaxTextLength} 字 / at most {FilingRules.MaxTextLength} characters"));
        }
    }
}
