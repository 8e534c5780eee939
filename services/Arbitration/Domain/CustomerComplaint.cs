
namespace CustomerProtection.Arbitration.Domain;

/// <summary>M-3: a customer's complaint about service, from its recording to its resolution.</summary>
public sealed record CustomerComplaint
{
    public required string Id { get; init; }
    public required string CustomerId { get; init; }
    public required string BranchId { get; init; }
    public string? AboutEmployeeId { get; init; }
    public required string Channel { get; init; }
    public required string Description { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required string RecordedBy { get; init; }

    /// <summary>The last day to answer (the response time in working days after receipt); overdue from 24:00 that day.</summary>
    public required DateOnly ResponseDueOn { get; init; }
    public required DateTimeOffset ResponseDueAt { get; init; }
    public bool Provisional { get; init; }

    public required string Status { get; init; }
    public string? Answer { get; init; }
    public string? AnsweredBy { get; init; }
    public DateTimeOffset? AnsweredAt { get; init; }
    public string? Resolution { get; init; }
    public string? FollowUp { get; init; }
    public string? ResolvedBy { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? EscalatedTo { get; init; }
    public DateTimeOffset? EscalatedAt { get; init; }
}

public static class ComplaintStatuses
{
    public const string Open = "open";
    public const string Answered = "answered";
    public const string Resolved = "resolved";
}

public static class ComplaintChannels
{
    public static readonly IReadOnlyList<string> All = ["phone", "email", "visit", "letter", "other"];
}

/// <summary>One version of the M-3 response time (P-14: versioned by effective date like every policy number).</summary>
public sealed record ResponseTimeVersion(DateOnly EffectiveFrom, int WorkingDays);

/// <summary>
/// M-3's response time. The rule book names it without a number and the policy core has no
/// parameter for it, so Arbitration keeps it in its own configuration (section
/// <c>Arbitration:ComplaintResponseTimes</c>), versioned like the policy's numbers (P-14).
/// Default: 2 working days, in force since the policy took effect.
/// </summary>
public sealed class ResponseTimeBook
{
    public const int DefaultWorkingDays = 2;

    private readonly ResponseTimeVersion[] _versions;

    public ResponseTimeBook(IEnumerable<ResponseTimeVersion> versions)
    {
        _versions = [.. versions.OrderBy(v => v.EffectiveFrom)];
        if (_versions.Length == 0 || _versions.Any(v => v.WorkingDays <= 0) || _versions.Select(v => v.EffectiveFrom).Distinct().Count() != _versions.Length)
        {
            throw new PolicyConfigurationException("Arbitration:ComplaintResponseTimes needs at least one version, one per day, each with WorkingDays > 0.");
        }
    }

    public static ResponseTimeBook Default { get; } = new([new ResponseTimeVersion(Dates.ToDateOnly(PolicyBook.PolicyStart), DefaultWorkingDays)]);

    /// <summary>The working days in force on <paramref name="day"/> (the earliest version before the first).</summary>
    public int For(DateOnly day) => (_versions.LastOrDefault(v => v.EffectiveFrom <= day) ?? _versions[0]).WorkingDays;
}

/// <summary>M-3 rules: the response deadline, who handles a complaint, overdue and escalation. Pure.</summary>
public static class ComplaintRules
{
    /// <summary>The answer is due by the end of the N-th working day after the day it was received (the receipt day not counted).</summary>
    public static (DateOnly DueOn, DateTimeOffset DueAt, bool Provisional) ResponseDue(WorkingDayCalendar calendar, DateOnly receivedOn, int workingDays)
    {
        var (due, provisional) = calendar.AddWorkingDays(Dates.ToLocalDate(receivedOn), workingDays);
        return (Dates.ToDateOnly(due), PolicyTime.StartOfDay(due.PlusDays(1)).ToDateTimeOffset(), provisional);
    }

    public static bool IsOverdue(CustomerComplaint complaint, DateTimeOffset now) =>
        complaint.Status == ComplaintStatuses.Open && now >= complaint.ResponseDueAt;

    /// <summary>The branch's staff record complaints about the branch's customers; hq anywhere.</summary>
    public static bool MayRecord(Caller caller, string branchId) =>
        caller.IsHq || (caller.Role is Roles.Salesperson or Roles.BranchSecretary or Roles.BranchManager && caller.BranchId == branchId);

    /// <summary>The branch's secretary and manager answer and resolve (hq too).</summary>
    public static bool MayHandle(Caller caller, CustomerComplaint complaint) =>
        caller.IsHq || (caller.Role is Roles.BranchSecretary or Roles.BranchManager && caller.BranchId == complaint.BranchId);

    public static bool MayRead(Caller caller, CustomerComplaint complaint) => MayHandle(caller, complaint) || caller.EmployeeId == complaint.RecordedBy;

    public static CustomerComplaint Answer(CustomerComplaint complaint, Caller caller, string answer, DateTimeOffset now)
    {
        EnsureMayHandle(caller, complaint);
        if (complaint.Status != ComplaintStatuses.Open)
        {
            throw new PolicyRefusalException("M-3", $"投诉 {complaint.Id} 已答复 / complaint {complaint.Id} is {complaint.Status} already",
                new Dictionary<string, string> { ["complaint_id"] = complaint.Id, ["status"] = complaint.Status });
        }

        return complaint with { Status = ComplaintStatuses.Answered, Answer = answer, AnsweredBy = caller.EmployeeId, AnsweredAt = now };
    }

    /// <summary>M-3: a resolution, with the internal follow-up so that it does not repeat, after the customer was answered.</summary>
    public static CustomerComplaint Resolve(CustomerComplaint complaint, Caller caller, string resolution, string followUp, DateTimeOffset now)
    {
        EnsureMayHandle(caller, complaint);
        if (complaint.Status != ComplaintStatuses.Answered)
        {
            throw new PolicyRefusalException("M-3",
                complaint.Status == ComplaintStatuses.Open
                    ? $"投诉 {complaint.Id} 须先答复客户 / complaint {complaint.Id} must be answered first"
                    : $"投诉 {complaint.Id} 已解决 / complaint {complaint.Id} is resolved already",
                new Dictionary<string, string> { ["complaint_id"] = complaint.Id, ["status"] = complaint.Status });
        }

        return complaint with { Status = ComplaintStatuses.Resolved, Resolution = resolution, FollowUp = followUp, ResolvedBy = caller.EmployeeId, ResolvedAt = now };
    }

    /// <summary>M-3: an unanswered complaint past its response time goes to the branch manager, once. Null when nothing is due.</summary>
    public static CustomerComplaint? Escalate(CustomerComplaint complaint, string? managerId, DateTimeOffset now) =>
        IsOverdue(complaint, now) && complaint.EscalatedAt is null
            ? complaint with { EscalatedTo = managerId, EscalatedAt = now }
            : null;

    private static void EnsureMayHandle(Caller caller, CustomerComplaint complaint)
    {
        if (!MayHandle(caller, complaint))
        {
            throw new ScopeDeniedException($"由分公司 {complaint.BranchId} 的秘书或经理处理 / handled by the secretary or manager of branch {complaint.BranchId}");
        }
    }
}
