using System.Text.RegularExpressions;

namespace CustomerProtection.Arbitration.Application;

/// <summary>
/// Checks of the request fields the use cases share (ids, free text, vocabularies); concurrency and
/// the refusal itself are in ServiceDefaults (OptimisticConcurrency, RequestValidationException).
/// </summary>
public static partial class RequestFields
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex IdPattern();

    /// <summary>Ids of other services' entities (customers, employees, sales) and of our own.</summary>
    public static string? Id(List<FieldViolation> violations, string field, string? value, bool required = true)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                violations.Add(new(field, "必填 / required"));
            }

            return null;
        }

        if (!IdPattern().IsMatch(value))
        {
            violations.Add(new(field, "编号为字母数字及 _ . -，最长 64 / letters, digits, _ . - and at most 64 characters"));
            return null;
        }

        return value;
    }

    public static string? Text(List<FieldViolation> violations, string field, string? value, bool required, int max = Domain.CaseRules.MaxTextLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                violations.Add(new(field, "必填 / required"));
            }

            return null;
        }

        if (value.Length > max)
        {
            violations.Add(new(field, $"最长 {max} 字 / at most {max} characters"));
            return null;
        }

        return value.Trim();
    }

    public static string? OneOf(List<FieldViolation> violations, string field, string? value, IReadOnlyList<string> allowed)
    {
        if (value is not null && allowed.Contains(value))
        {
            return value;
        }

        violations.Add(new(field, $"须为 {string.Join(", ", allowed)} 之一 / one of {string.Join(", ", allowed)}"));
        return null;
    }
}
