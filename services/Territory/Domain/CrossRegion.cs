using NodaTime;

namespace CustomerProtection.Territory.Domain;

/// <summary>
/// A cross-region filing (P-4.1, P-4.4, P-10). <see cref="Status"/> is the stored state; what a
/// filing is at a given moment is <see cref="CrossRegionRules.StatusAt"/>, because the P-10 deadline
/// is data evaluated against the clock when asked, not a job that must have run. The final decision
/// is <see cref="DecidedBy"/> … <see cref="DecisionReason"/>; every decider's own answer is kept
/// beside it (the secretary's, hq's, the target regional manager's).
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
    string? Reason,
    DateTimeOffset SubmittedAt,
    DateTimeOffset Deadline,
    string Status,
    DateTimeOffset? EscalatedAt,
    string? DecidedBy,
    string? DeciderRole,
    DateTimeOffset? DecidedAt,
    string? DecisionReason,
    FilingDecision? SecretaryAnswer = null,
    FilingDecision? HqDecision = null,
    FilingDecision? ManagerDecision = null)
{
    /// <summary>P-4.1: approved by hq (after the secretary's confirmation), or by hq and the target regional manager together (P-10).</summary>
    public bool IsApproved => Status == FilingStatuses.Approved;

    public bool IsOpen => Status is FilingStatuses.Pending or FilingStatuses.Confirmed or FilingStatuses.Escalated;
}

/// <summary>One decider's answer on a filing: who, in which role, yes or no, why, when.</summary>
public sealed record FilingDecision(string DecidedBy, string DeciderRole, bool Approve, string? Reason, DateTimeOffset DecidedAt);

public static class FilingStatuses
{
    /// <summary>Waiting for the target region's secretary, the deadline not reached.</summary>
    public const string Pending = "pending";

    /// <summary>Unanswered at the deadline: hq and the target regional manager decide together (P-10).</summary>
    public const string Escalated = "escalated";

    /// <summary>The secretary confirmed in time: waiting for hq's approval (P-4.1 "approved by HQ first").</summary>
    public const string Confirmed = "confirmed";

    public const string Approved = "approved";
    public const string Refused = "refused";
}

/// <summary>Whose answer an open filing waits for (P-4.1, P-10).</summary>
public enum FilingStage
{
    AwaitingSecretary,
    AwaitingHq,
    EscalatedAwaitingBoth,
    EscalatedAwaitingHq,
    EscalatedAwaitingRegionalManager,
    Decided,
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

    /// <summary>Whose answer the filing waits for at <paramref name="now"/>.</summary>
    public static FilingStage StageAt(CrossRegionFiling filing, DateTimeOffset now) => StatusAt(filing, now) switch
    {
        FilingStatuses.Pending => FilingStage.AwaitingSecretary,
        FilingStatuses.Confirmed => FilingStage.AwaitingHq,
        FilingStatuses.Escalated => (filing.HqDecision, filing.ManagerDecision) switch
        {
            (null, null) => FilingStage.EscalatedAwaitingBoth,
            (null, _) => FilingStage.EscalatedAwaitingHq,
            _ => FilingStage.EscalatedAwaitingRegionalManager,
        },
        _ => FilingStage.Decided,
    };

    /// <summary>The escalation, or null when the filing is not (or no longer) due for one: a late or repeated tick changes nothing.</summary>
    public static CrossRegionFiling? Escalate(CrossRegionFiling filing, DateTimeOffset now) =>
        IsOverdue(filing, now) ? filing with { Status = FilingStatuses.Escalated, EscalatedAt = now } : null;

    /// <summary>
    /// P-10: the target region's secretary confirms or refuses while the 24 hours run. A confirmation
    /// sends the filing to hq, which approves it (P-4.1: "approved by HQ first"); a refusal ends it.
    /// </summary>
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
                $"已超过 {Iso(filing.Deadline)} 的确认期限，由总公司和目标大区经理共同决定 / the confirmation deadline {Iso(filing.Deadline)} has passed; hq and the target regional manager decide together",
                Numbers(filing, status, now));
        }

        if (status != FilingStatuses.Pending)
        {
            throw AlreadyDecided(filing, status, now);
        }

        var answer = new FilingDecision(caller.EmployeeId, caller.Role, confirm, reason, now);
        return confirm
            ? filing with { Status = FilingStatuses.Confirmed, SecretaryAnswer = answer }
            : Final(filing with { SecretaryAnswer = answer }, answer);
    }

    /// <summary>
    /// P-4.1, P-10: hq approves a filing the secretary confirmed. Once it is escalated hq and the
    /// target regional manager each decide and both decisions are kept: it is approved when both
    /// approved, refused as soon as either refuses. Before the secretary answered or the 24 hours
    /// passed nobody decides.
    /// </summary>
    public static CrossRegionFiling Decide(CrossRegionFiling filing, Caller caller, bool approve, string? reason, DateTimeOffset now)
    {
        var isTargetManager = caller.Role == Roles.RegionalManager && caller.RegionId == filing.TargetRegionId;
        if (!caller.IsHq && !isTargetManager)
        {
            throw new ScopeDeniedException($"只有总公司或目标大区 {filing.TargetRegionId} 的经理可以决定 / only hq or the manager of the target region {filing.TargetRegionId} decides");
        }

        var status = StatusAt(filing, now);
        if (status == FilingStatuses.Pending)
        {
            throw new PolicyRefusalException("P-10",
                $"目标大区秘书可在 {Iso(filing.Deadline)} 前确认，此前不能决定 / the target region's secretary has until {Iso(filing.Deadline)}; nobody decides before the secretary answers or that time passes",
                Numbers(filing, status, now));
        }

        if (status == FilingStatuses.Confirmed && !caller.IsHq)
        {
            throw new PolicyRefusalException("P-4.1",
                "秘书已确认，由总公司批准 / the secretary confirmed; hq approves", Numbers(filing, status, now));
        }

        var own = caller.IsHq ? filing.HqDecision : filing.ManagerDecision;
        if (status is not (FilingStatuses.Confirmed or FilingStatuses.Escalated) || own is not null)
        {
            throw AlreadyDecided(filing, status, now);
        }

        var decision = new FilingDecision(caller.EmployeeId, caller.Role, approve, reason, now);
        var next = caller.IsHq ? filing with { HqDecision = decision } : filing with { ManagerDecision = decision };
        if (status == FilingStatuses.Confirmed || !approve)
        {
            return Final(next, decision);
        }

        // P-10: escalated, the first approval waits for the other decider (who sees it on the filing).
        var other = caller.IsHq ? filing.ManagerDecision : filing.HqDecision;
        return other is { Approve: true } ? Final(next, decision) : next;
    }

    private static CrossRegionFiling Final(CrossRegionFiling filing, FilingDecision last) => filing with
    {
        Status = last.Approve ? FilingStatuses.Approved : FilingStatuses.Refused,
        DecidedBy = last.DecidedBy,
        DeciderRole = last.DeciderRole,
        DecidedAt = last.DecidedAt,
        DecisionReason = last.Reason,
    };

/// <summary>P-4.1: the filing lets its requester sell to its customer in its target region on <paramref name="day"/>.</summary>
    public static bool Covers(CrossRegionFiling filing, DateOnly day) =>
        filing.IsApproved && filing.DecidedAt is { } at && Dates.DateOf(at) <= day;

    private static PolicyRefusalException AlreadyDecided(CrossRegionFiling filing, string status, DateTimeOffset now) =>
        new("P-10", $"跨区域销售申请 {filing.Id} 已是 {status} / cross-region request {filing.Id} is already {status}", Numbers(filing, status, now));

    private static Dictionary<string, string> Numbers(CrossRegionFiling filing, string status, DateTimeOffset now) => new()
    {
        ["cross_region_request_id"] = filing.Id,
        ["status"] = status,
        ["submitted_at"] = Iso(filing.SubmittedAt),
        ["deadline"] = Iso(filing.Deadline),
        ["now"] = Iso(now),
    };

    private static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
