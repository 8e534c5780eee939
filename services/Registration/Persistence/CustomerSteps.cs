using StackExchange.Redis;

namespace CustomerProtection.Registration.Persistence;

/// <summary>
/// The steps of an <see cref="AtomicChange"/> that need Registration's keys: the customers' due-queue
/// (<see cref="RegistrationKeys.Due"/>) and the X-1 holding cap.
/// </summary>
public static class CustomerSteps
{
    /// <summary>The customer's due-queue entry at <paramref name="score"/> (Unix ms), in its bucket and the top level.</summary>
    public static AtomicChange DueAdd(this AtomicChange change, string customerId, double score)
    {
        var bucket = RegistrationKeys.DueBucket(customerId);
        return change.DueAdd(RegistrationKeys.DueEntries(bucket), RegistrationKeys.Due, bucket, customerId, score);
    }

    public static AtomicChange DueRemove(this AtomicChange change, string customerId)
    {
        var bucket = RegistrationKeys.DueBucket(customerId);
        return change.DueRemove(RegistrationKeys.DueEntries(bucket), RegistrationKeys.Due, bucket, customerId);
    }

    /// <summary>
    /// the owner protects fewer than <paramref name="cap"/> customers now — scored after
    /// <paramref name="nowMs"/> in <paramref name="held"/>; a pending filing is scored +∞ and is not
    /// protected — less the formal ones unless the policy counts them.
    /// </summary>
    public static AtomicChange ExpectBelowHoldingCap(this AtomicChange change, RedisKey held, RedisKey formal, long nowMs, int cap, bool countFormal) =>
        change.ExpectBelowCap(held, nowMs, cap, countFormal ? null : (RedisKey?)formal);
}
