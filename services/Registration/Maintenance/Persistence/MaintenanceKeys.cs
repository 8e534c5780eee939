using CustomerProtection.Registration.Persistence;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Maintenance.Persistence;

/// <summary>
/// Customer maintenance's keys, under Registration's hash tag (<see cref="RegistrationKeys.Prefix"/>) so a
/// maintenance step may guard the customer it is about in the same <see cref="AtomicChange"/>.
/// </summary>
public static class MaintenanceKeys
{
    private static readonly string Prefix = RegistrationKeys.Prefix + "maint:";

    /// <summary>M-1, X-3: the follow-up due-queue (one entry per owned customer at its next reminder instant).</summary>
    public static readonly RedisKey FollowUpDue = Prefix + "follow-up:due";

    /// <summary>Set once the customers owned before the follow-up queue existed were armed (<c>FollowUpReminders.ArmEarlierCustomersAsync</c>).</summary>
    public static readonly RedisKey FollowUpBackfilled = Prefix + "follow-up:backfilled";

    /// <summary>Hash: customer id → the overdue period last reminded ("last day#period"): once per period.</summary>
    public static readonly RedisKey FollowUpReminded = Prefix + "follow-up:reminded";

    /// <summary>Hash: customer id → its last verification (JSON): who, when, what was corrected.</summary>
    public static readonly RedisKey Verified = Prefix + "verified";

    /// <summary>Hash: customer id → the day of its last answered survey (M-4 schedule).</summary>
    public static readonly RedisKey Surveyed = Prefix + "surveyed";

    /// <summary>A survey round (JSON).</summary>
    public static RedisKey Round(string roundId) => $"{Prefix}survey:{{{roundId}}}";

    /// <summary>Hash: customer id → the round's member (JSON), as it stood when the round opened.</summary>
    public static RedisKey RoundMembers(string roundId) => $"{Prefix}survey:{{{roundId}}}:members";

    /// <summary>Hash: customer id → its answer (JSON); a field is written once.</summary>
    public static RedisKey RoundAnswers(string roundId) => $"{Prefix}survey:{{{roundId}}}:answers";

    /// <summary>M-4's schedule: a due-queue holding one entry (<see cref="ScheduledRoundsEntry"/>) at the next scheduled round's instant.</summary>
    public static readonly RedisKey SurveyScheduleDue = Prefix + "survey:schedule:due";

    /// <summary>The member of <see cref="SurveyScheduleDue"/>: one schedule for the company.</summary>
    public const string ScheduledRoundsEntry = "scheduled-rounds";

    /// <summary>Sorted set: the rounds with customers of a branch, scored by when they opened (ListSurveyRounds).</summary>
    public static RedisKey BranchRounds(string branchId) => $"{Prefix}surveys-of-branch:{branchId}";

    /// <summary>Sorted set: the rounds over one set of branches, scored by when they opened (the previous round of a report).</summary>
    public static RedisKey RoundsOver(IReadOnlyList<string> branchIds) => $"{Prefix}surveys:{{{string.Join(',', branchIds)}}}";
}
