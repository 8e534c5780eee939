using CustomerProtection.ServiceDefaults.Errors;
using CustomerProtection.ServiceDefaults.Storage;

namespace CustomerProtection.Penalty.Application;

/// <summary>
/// Optimistic concurrency: a use case reads, decides and commits guarded by the versions it read.
/// When someone else committed in between (the violation's other event, another violation of the
/// same violator, a concurrent step on the fine), it decides again on fresh data.
/// </summary>
public static class Conflicts
{
    private const int Attempts = 8;

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

    public static void ExpectVersion(long expected, long actual, string what)
    {
        if (expected != 0 && expected != actual)
        {
            throw new ConcurrencyConflictException($"{what} 已被修改（版本 {actual}，预期 {expected}）/ {what} is at version {actual}, expected {expected}");
        }
    }
}
