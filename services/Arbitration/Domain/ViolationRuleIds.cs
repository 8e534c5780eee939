using System.Text.RegularExpressions;

namespace CustomerProtection.Arbitration.Domain;

/// <summary>The violations a case finds (P-4.5, P-8.1): rule ids as the rule book writes them, and stable violation ids.</summary>
public static partial class ViolationRuleIds
{
    [GeneratedRegex(@"^[PCMX]-\d{1,2}(\.\d{1,2})?$")]
    private static partial Regex RuleId();

    public static bool IsWellFormed(string? ruleId) => ruleId is not null && RuleId().IsMatch(ruleId);

    /// <summary>One violation per case, violator and rule: a decision delivered twice is fined once (P-8.1).</summary>
    public static string For(string caseId, string violatorId, string ruleId) => $"arb:{caseId}:{violatorId}:{ruleId}";

    /// <summary>The rule of a violation id of <paramref name="caseId"/> whose violator is <paramref name="violatorId"/>; null for another's.</summary>
    public static string? RuleOf(string violationId, string caseId, string violatorId)
    {
        var prefix = $"arb:{caseId}:{violatorId}:";
        return violationId.StartsWith(prefix, StringComparison.Ordinal) ? violationId[prefix.Length..] : null;
    }
}
