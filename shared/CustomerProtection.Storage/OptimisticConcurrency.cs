using CustomerProtection.Policy.Errors;

namespace CustomerProtection.Storage;

/// <summary>
/// Optimistic concurrency: a use case reads, decides and commits guarded by the versions it read.
/// When someone else committed in between, it decides again on fresh data (a few times) instead of
/// overwriting their change.
/// </summary>
public static class OptimisticConcurrency
{
    private const int DefaultAttempts = 5;

    /// <param name="attempts">More for aggregates many writers hit at once (a violator's record in Penalty).</param>
    public static async Task<T> RetryAsync<T>(Func<Task<(CommitResult Result, T Value)>> attempt, int attempts = DefaultAttempts)
    {
        for (var i = 1; ; i++)
        {
            var (result, value) = await attempt();
            if (result.Succeeded)
            {
                return value;
            }

            if (i == attempts)
            {
                throw new ConcurrencyConflictException($"并发修改冲突，请重试 / changed concurrently ({result.ConflictKey}), please retry");
            }
        }
    }

    /// <summary>The caller's expected version (0: do not check) must be the stored one.</summary>
    public static void ExpectVersion(long expected, long actual, string what)
    {
        if (expected != 0 && expected != actual)
        {
            throw new ConcurrencyConflictException($"{what} 已被修改（版本 {actual}，预期 {expected}）/ {what} is at version {actual}, expected {expected}");
        }
    }
}
