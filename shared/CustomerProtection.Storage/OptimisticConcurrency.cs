using CustomerProtection.Policy.Errors;

namespace CustomerProtection.Storage;

/// <summary>
/// Optimistic concurrency: a use case reads, decides and commits guarded by what it read. When someone
/// else committed in between, it decides again on fresh data (a few times) instead of overwriting their
/// change.
/// </summary>
public static class OptimisticConcurrency
{
    private const int DefaultAttempts = 5;

    /// <summary>
    /// Runs <paramref name="attempt"/> (read, decide, commit) until its change is applied; an attempt that
    /// finds nothing to write returns <see cref="ChangeResult.Applied"/> with its answer.
    /// </summary>
    /// <param name="attempts">More for aggregates many writers hit at once (a violator's record in Penalty).</param>
    /// <param name="retryOn">The refusals deciding again can cure (default: every one); any other is final at once.</param>
    /// <param name="refusal">What a final refusal, or the last attempt's, throws (default: a concurrency conflict naming the key).</param>
    public static async Task<T> RetryAsync<T>(Func<Task<(ChangeResult Result, T Value)>> attempt, int attempts = DefaultAttempts,
        Func<ChangeResult, bool>? retryOn = null, Func<ChangeResult, Exception>? refusal = null)
    {
        var (result, value) = await TryAsync(attempt, attempts, retryOn);
        return result.Succeeded ? value : throw (refusal ?? Conflict)(result);
    }

    /// <summary>
    /// Like <see cref="RetryAsync{T}"/>, but a final refusal is returned rather than thrown (with the
    /// answer of the attempt it refused), for a caller that reports refusals as outcomes.
    /// </summary>
    public static async Task<(ChangeResult Result, T Value)> TryAsync<T>(Func<Task<(ChangeResult Result, T Value)>> attempt, int attempts = DefaultAttempts,
        Func<ChangeResult, bool>? retryOn = null)
    {
        for (var i = 1; ; i++)
        {
            var (result, value) = await attempt();
            if (result.Succeeded || i == attempts || retryOn?.Invoke(result) == false)
            {
                return (result, value);
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

    private static ConcurrencyConflictException Conflict(ChangeResult result) =>
        new($"并发修改冲突，请重试 / changed concurrently ({result.Key}), please retry");
}
