using System.Text.RegularExpressions;
using CustomerProtection.ServiceDefaults.Errors;
using CustomerProtection.ServiceDefaults.Storage;

namespace CustomerProtection.Arbitration.Application;

/// <summary>
/// Optimistic concurrency and input checks shared by the use cases: a use case reads, decides and
/// commits guarded by the versions it read; when someone else committed in between it decides again
/// on fresh data (a few times) instead of overwriting their change.
/// </summary>
public static partial class Conflicts
{
    private const int Attempts = 5;

    public static async Task<T> RetryAsync<T>(Func<Task<(CommitResult Result, T Value)>> attempt)
    {
        for (var i = 1; ; i++)
        {
            var (result, value) = await attempt();
            if (result.Succeeded)
            {
                return value;
            }

            if (i == Attempts)
            {
                throw new ConcurrencyConflictException($"并发修改冲突，请重试 / changed concurrently ({result.ConflictKey}), please retry");
            }
        }
    }

    public static void ThrowIfInvalid(List<FieldViolation> violations)
    {
        if (violations.Count > 0)
        {
            throw new RequestValidationException(violations);
        }
    }

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
