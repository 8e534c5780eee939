using NodaTime;

namespace CustomerProtection.Territory.Domain;

/// <summary>
/// A cross-region filing (P-4.1, P-4.4, P-10). <see cref="Status"/> is the stored state; what a
/// filing is at a given moment is <see cref="CrossRegionRules.StatusAt"/>, because the P-10 deadline
/// is data evaluated against the clock when asked, not a job that must have run.
/// </summary>
public sealed record CrossRegionFiling(
    string Id,
    string RequesterId,
    string? RequesterBranchId,
    string RequesterRegionId,
    string TargetRegionId,
    string IdentityKey,
    string InvoiceTitle,
    string? TaxpayerId,
    string? GroupParentIdentityKey,
    string? Reason,
    DateTimeOffset SubmittedAt,
    DateTimeOffset Deadline,
    string Status,
    DateTimeOffset? EscalatedAt,
    string? DecidedBy,
    string? DeciderRole,
    DateTimeOffset? DecidedAt,
    string? DecisionReason)
{
    /// <summary>P-4.1: confirmed by the target region's secretary in time, or approved after escalation.</summary>
    public bool IsApproved => Status is FilingStatuses.Confirmed or FilingStatuses.Approved;

    public bool IsOpen => Status is FilingStatuses.Pending or FilingStatuses.Escalated;
}

public static class FilingStatuses
{
    public const string Pending = "pending";
    public const string Escalated = "escalated";
    public const string Confirmed = "confirmed";
    public const string Approved = "approved";
    public const string Refused = "refused";
}

/// <summary>The P-10 clock and who may answer or decide a cross-region filing.</summary>
public static class CrossRegionRules
{
    // Hour periods never look at the calendar (they neither roll nor skip rest days).
    private static readonly PeriodArithmetic HourArithmetic = new(WorkingDayCalendar.WeekendsOnly, rollForward: false);

    /// <summary>
    /// P-10: the secretary's deadline is the submission instant plus CrossRegionConfirmationHours of
    /// the policy version in force on the submission day (P-14), from the exact timestamp.
    /// </summary>
    public static DateTimeOffset Deadline(PolicyBook book, DateTimeOffset submittedAt)
    {
        var at = Instant.FromDateTimeOffset(submittedAt);
        var hours = book.For(PolicyTime.DateOf(at)).CrossRegionConfirmationHours;
        return HourArithmetic.HourDeadline(at, hours).ToDateTimeOffset();
    }

    /// <summary>
    /// P-10: "within 24 hours" is the half-open interval [submitted, deadline): at the deadline
    /// instant 24 hours have passed without an answer, and the filing is escalated.
    /// </summary>
    public static bool IsOverdue(CrossRegionFiling filing, DateTimeOffset now) =>
        filing.Status == FilingStatuses.Pending && now >= filing.Deadline;

    /// <summary>The filing's status at <paramref name="now"/>, whether or not the escalation has been recorded yet.</summary>
    public static string StatusAt(CrossRegionFiling filing, DateTimeOffset now) =>
        IsOverdue(filing, now) ? FilingStatuses.Escalated : filing.Status;

    /// <summary>The escalation, or null when the filing is not (or no longer) due for one: a late or repeated tick changes nothing.</summary>
    public static CrossRegionFiling? Escalate(CrossRegionFiling filing, DateTimeOffset now) =>
        IsOverdue(filing, now) ? filing with { Status = FilingStatuses.Escalated, EscalatedAt = now } : null;

    /// <summary>P-10: the target region's secretary confirms or refuses while the 24 hours run.</summary>
    public static CrossRegionFiling Answer(CrossRegionFiling filing, Caller caller, bool confirm, string? reason, DateTimeOffset now)
    {
        if (caller.Role != Roles.RegionalSecretary || caller.RegionId != filing.TargetRegionId)
        {
            throw new ScopeDeniedException($"只有目标大区 {filing.TargetRegionId} 的秘书可以确认 / only the secretary of the target region {filing.TargetRegionId} confirms");
        }

        var status = StatusAt(filing, now);
        if (status == FilingStatuses.Escalated)
        {
            throw new PolicyRefusalException("P-10",
                $"已超过 {Iso(filing.Deadline)} 的确认期限，由总公司和目标大区经理决定 / the confirmation deadline {Iso(filing.Deadline)} has passed; hq and the target regional manager decide",
                Numbers(filing, status, now));
        }

        if (status != FilingStatuses.Pending)
        {
            throw AlreadyDecided(filing, status, now);
        }

        return filing with
        {
            Status = confirm ? FilingStatuses.Confirmed : FilingStatuses.Refused,
            DecidedBy = caller.EmployeeId,
            DeciderRole = caller.Role,
            DecidedAt = now,
            DecisionReason = reason,
        };
    }

    /// <summary>
    /// P-4.1, P-10: hq decides an open filing at any time; the target regional manager decides once
    /// it is escalated (before that the secretary's 24 hours run).
    /// </summary>
    public static CrossRegionFiling Decide(CrossRegionFiling filing, Caller caller, bool approve, string? reason, DateTimeOffset now)
    {
        var isTargetManager = caller.Role == Roles.RegionalManager && caller.RegionId == filing.TargetRegionId;
        if (!caller.IsHq && !isTargetManager)
        {
            throw new ScopeDeniedException($"只有总公司或目标大区 {filing.TargetRegionId} 的经理可以决定 / only hq or the manager of the target region {filing.TargetRegionId} decides");
        }

        var status = StatusAt(filing, now);
        if (status is not (FilingStatuses.Pending or FilingStatuses.Escalated))
        {
            throw AlreadyDecided(filing, status, now);
        }

        if (!caller.IsHq && status == FilingStatuses.Pending)
        {
            throw new PolicyRefusalException("P-10",
                $"目标大区秘书可在 {Iso(filing.Deadline)} 前确认，之后才由大区经理决定 / the target region's secretary has until {Iso(filing.Deadline)}; the regional manager decides after that",
                Numbers(filing, status, now));
        }

        return filing with
        {
            Status = approve ? FilingStatuses.Approved : FilingStatuses.Refused,
            DecidedBy = caller.EmployeeId,
            DeciderRole = caller.Role,
            DecidedAt = now,
            DecisionReason = reason,
        };
    }

    /// <summary>P-4.1: the filing lets its requester sell to its customer in its target region on <paramref name="day"/>.</summary>
    public static bool Covers(CrossRegionFiling filing, DateOnly day) =>
        filing.IsApproved && filing.DecidedAt is { } at && Dates.DateOf(at) <= day;

    private static PolicyRefusalException AlreadyDecided(CrossRegionFiling filing, string status, DateTimeOffset now) =>
        new("P-10", $"备案 {filing.Id} 已是 {status} / filing {filing.Id} is already {status}", Numbers(filing, status, now));

    private static Dictionary<string, string> Numbers(CrossRegionFiling filing, string status, DateTimeOffset now) => new()
    {
        ["filing_id"] = filing.Id,
        ["status"] = status,
        ["submitted_at"] = Iso(filing.SubmittedAt),
        ["deadline"] = Iso(filing.Deadline),
        ["now"] = Iso(now),
    };

    private static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
