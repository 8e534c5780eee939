using System.Globalization;
using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Penalty;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Contracts.Territory;

namespace CustomerProtection.Notifications.Domain;

/// <summary>
/// Each event the worker consumes as the notice it becomes: to whom, about which rule, and what it says
/// (Chinese with English beside it). The events carry ids and business facts only (C-2), so the notices do too.
/// </summary>
public static class Notices
{
    /// <summary>X-3: the owner 30, 7 and 1 days before the last protected day, the manager 7 days before.</summary>
    public static Notice From(ProtectionReminderDue e) => new(
        NoticeKinds.ProtectionReminder,
        "X-3",
        Audience.Of(e.RecipientId),
        new($"客户 {e.CustomerId} 的保护期还有 {e.DaysBefore} 天到期", $"Protection of customer {e.CustomerId} ends in {e.DaysBefore} days"),
        [
            new($"客户 {e.CustomerId} 的保护期最后一天是 {Day(e.LastProtectedDay)}，还有 {e.DaysBefore} 天。",
                $"The last protected day of customer {e.CustomerId} is {Day(e.LastProtectedDay)}, {e.DaysBefore} days from now."),
            e.RecipientRole == "owner"
                ? new("请在到期前推进或申请延期（P-3.3），否则客户将进入公海。", "Make progress or ask for an extension before then (P-3.3), or the customer goes to the pool.")
                : new("您是负责人的经理，此提醒供您跟进。", "You are the owner's manager; this reminder is for your follow-up."),
        ],
        Digest: e.DaysBefore <= 7 ? DigestSections.Lapsing : DigestSections.Other);

    /// <summary>X-3: a lapse is announced, to the former owner and the branch's manager.</summary>
    public static Notice From(ProtectionLapsed e) => new(
        NoticeKinds.ProtectionLapsed,
        "X-3",
        Audience.Of(e.FormerOwnerId).AndManagerOf(e.BranchId),
        new($"客户 {e.CustomerId} 的保护期已结束", $"Protection of customer {e.CustomerId} has lapsed"),
        [
            new($"客户 {e.CustomerId} 的保护期已于 {Day(e.LastProtectedDay)} 结束，未获延期（P-3.5）。",
                $"The protection of customer {e.CustomerId} ended on {Day(e.LastProtectedDay)} without an extension (P-3.5)."),
            new($"原负责人：{e.FormerOwnerId}。", $"Former owner: {e.FormerOwnerId}."),
        ],
        e.BranchId,
        DigestSections.Lapsing);

    /// <summary>P-2.1: the approved filing is announced to its owner and the branch's manager and secretaries.</summary>
    public static Notice From(FilingApproved e) => new(
        NoticeKinds.FilingAnnounced,
        "P-2.1",
        Audience.Of(e.OwnerId).AndManagerOf(e.BranchId).AndSecretariesOf(e.BranchId),
        new($"备案公示：{e.InvoiceTitle}", $"Filing announced: {e.InvoiceTitle}"),
        [
            new($"{e.OwnerId} 对客户 {e.InvoiceTitle}（{e.CustomerId}）的备案已于 {Day(e.ApprovedOn)} 批准并公示。",
                $"{e.OwnerId}'s filing of {e.InvoiceTitle} ({e.CustomerId}) was approved and announced on {Day(e.ApprovedOn)}."),
            new($"保护期至 {Day(e.LastProtectedDay)}；异议期至 {Day(e.ObjectionWindowEnds)}（P-2.2）。",
                $"Protected until {Day(e.LastProtectedDay)}; objections until {Day(e.ObjectionWindowEnds)} (P-2.2)."),
        ],
        e.BranchId,
        DigestSections.Other);

    /// <summary>P-10: 24 hours without the target region's answer: hq and the target region's managers decide.</summary>
    public static Notice From(CrossRegionEscalated e) => new(
        NoticeKinds.CrossRegionEscalated,
        "P-10",
        Audience.Of([.. e.TargetRegionalManagerIds]).AndHq(),
        new($"跨区备案 {e.FilingId} 已超过 24 小时未确认，请决定", $"Cross-region request {e.FilingId} unanswered for 24 hours: please decide"),
        [
            new($"{e.RequesterId} 于 {Instant(e.SubmittedAt)} 申请在大区 {e.TargetRegionId} 销售，目标大区秘书未在 {Instant(e.Deadline)} 前确认。",
                $"{e.RequesterId} asked on {Instant(e.SubmittedAt)} to sell in region {e.TargetRegionId}; its secretary did not answer by {Instant(e.Deadline)}."),
            new("现由总公司综合部和目标大区经理决定。", "hq and the target regional manager decide now."),
        ],
        Digest: DigestSections.Decide);

    /// <summary>P-2.4, P-9: a case's decision on who owns the customer, to the new owner, the previous owner and the co-developers.</summary>
    public static Notice From(OwnershipAwarded e) => new(
        NoticeKinds.OwnershipAwarded,
        e.Resolution == Resolutions.Decision ? "P-9" : "P-2.4",
        Audience.Of([e.OwnerId, e.PreviousOwnerId, .. e.CoDeveloperIds]),
        new($"案件 {e.CaseId} 已裁决：客户 {e.CustomerId} 归 {e.OwnerId}", $"Case {e.CaseId} decided: customer {e.CustomerId} goes to {e.OwnerId}"),
        [
            new($"裁决方式：{ResolutionZh(e.Resolution)}；裁决人：{e.DecidedBy}；时间：{Instant(e.DecidedAt)}。",
                $"Resolution: {e.Resolution.Replace('_', ' ')}; decided by {e.DecidedBy} on {Instant(e.DecidedAt)}."),
            new($"原负责人：{e.PreviousOwnerId ?? "无"}；合作开发人：{CoDevelopers(e.CoDeveloperIds, "无")}。",
                $"Previous owner: {e.PreviousOwnerId ?? "none"}; co-developers: {CoDevelopers(e.CoDeveloperIds, "none")}."),
            new($"理由：{e.Reason}", $"Reason: {e.Reason}"),
        ]);

    /// <summary>P-8.1: a fine proposed, to the employee fined.</summary>
    public static Notice From(PenaltyImposed e) => new(
        NoticeKinds.PenaltyImposed,
        "P-8",
        Audience.Of(e.EmployeeId),
        new($"罚款通知：{Money(e.Amount)} 元（{e.RuleId}）", $"Fine proposed: CNY {Money(e.Amount)} ({e.RuleId})"),
        [
            new($"因违规 {e.ViolationId}（{e.RuleId}），对您{(e.Liability == "manager" ? "作为经理的连带责任" : "")}拟处罚款 {Money(e.Amount)} 元（罚款号 {e.FineId}）。",
                $"For violation {e.ViolationId} ({e.RuleId}) a fine of CNY {Money(e.Amount)} is proposed{(e.Liability == "manager" ? " on your liability as manager" : "")} (fine {e.FineId})."),
            new("总公司确认后生效；您可以申诉（P-8.1）。", "It stands once hq confirms it; you may appeal (P-8.1)."),
        ]);

    /// <summary>M-3: a complaint not answered within the response time, to the branch's manager.</summary>
    public static Notice From(CustomerComplaintEscalated e) => new(
        NoticeKinds.ComplaintEscalated,
        "M-3",
        e.ManagerId is { Length: > 0 } manager ? Audience.Of(manager) : Audience.Of().AndManagerOf(e.BranchId),
        new($"客户投诉 {e.ComplaintId} 超过答复期限", $"Customer complaint {e.ComplaintId} is past its response time"),
        [
            new($"客户 {e.CustomerId} 于 {Instant(e.ReceivedAt)} 的投诉应在 {Day(e.ResponseDueOn)} 前答复，至今未答复。",
                $"Customer {e.CustomerId}'s complaint of {Instant(e.ReceivedAt)} was due an answer by {Day(e.ResponseDueOn)} and has none."),
            new($"涉及员工：{e.AboutEmployeeId ?? "无"}。", $"Employee concerned: {e.AboutEmployeeId ?? "none"}."),
        ],
        e.BranchId,
        DigestSections.Decide);

    /// <summary>
    /// M-1 (reminded X-3 style): the owner's follow-up of a customer is overdue for its class. Registration sends one
    /// per overdue period; each is its own notice. Theirs alone: no team chat.
    /// </summary>
    public static Notice From(FollowUpOverdue e) => new(
        NoticeKinds.FollowUpOverdue,
        "M-1",
        Audience.Of(e.OwnerId),
        new($"客户 {e.CustomerId} 的跟进已逾期", $"Follow-up of customer {e.CustomerId} is overdue"),
        [
            new($"客户 {e.CustomerId}（{ClassZh(e.CustomerClass)}）最近一次计入的联系（或本期开始）是 {Day(e.LastContactOn)}，自 {Day(e.OverdueSince)} 起逾期未跟进（第 {e.OverduePeriod} 个逾期周期）。",
                $"Customer {e.CustomerId} ({e.CustomerClass}) was last contacted, as counted (or its period began), on {Day(e.LastContactOn)}; its follow-up is overdue since {Day(e.OverdueSince)} (overdue period {e.OverduePeriod})."),
            new("请记录一次附凭证的联系或进展（M-2）。", "Record a contact or progress, with its evidence (M-2)."),
        ],
        Digest: DigestSections.Other);

    /// <summary>M-1's classes in Chinese; the event carries Registration's tokens as strings (no shared constants).</summary>
    /// <summary>
    /// P-7: a confirmed violation ended an existing point-to-area dealer's right to stay in a region with a direct branch
    /// or office; hq is asked to convert it to point-to-point or end its appointment (Territory's dealer reviews), and the
    /// dealer's branch manager is told. It waits for hq's decision: a digest shows it under that section.
    /// </summary>
    public static Notice From(DealerRightToStayEnded e) => new(
        NoticeKinds.DealerReviewDue,
        "P-7",
        Audience.Of().AndHq().AndManagerOf(e.BranchId),
        new($"经销商 {e.DealerId} 不再具备在本大区保留的资格，请总部决定转为点对点或终止", $"Dealer {e.DealerId} may no longer stay: hq converts it to point-to-point or ends it"),
        [
            new($"点对面经销商 {e.DealerId}（{e.BranchId}，大区 {e.RegionId}）的违规 {e.ViolationId}（{e.RuleId}）已确认，而该大区设有直属分公司或办事处（{string.Join("、", e.DirectBranchIds)}）。",
                $"Point-to-area dealer {e.DealerId} ({e.BranchId}, region {e.RegionId}) has a confirmed violation {e.ViolationId} ({e.RuleId}), and the region has a direct branch or office ({string.Join(", ", e.DirectBranchIds)})."),
            new("请总部在经销商复核中决定：转为点对点经销商，或终止其任命（cpctl dealer-review decide）。",
                "hq decides in the dealer reviews: convert it to a point-to-point dealer, or end its appointment (cpctl dealer-review decide)."),
        ],
        Digest: DigestSections.Decide);

    private static string ClassZh(string customerClass) => customerClass switch
    {
        "important" => "重要客户",
        "potential" => "潜力客户",
        "ordinary" => "普通客户",
        _ => customerClass,
    };

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Instant(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Money(decimal amount) => amount.ToString("0.##", CultureInfo.InvariantCulture);

    private static string CoDevelopers(IReadOnlyList<string> ids, string none) => ids.Count == 0 ? none : string.Join(", ", ids);

    private static string ResolutionZh(string resolution) => resolution switch
    {
        Resolutions.JointDevelopment => "合作开发",
        Resolutions.SurpassingClaim => "超越性进度主张",
        Resolutions.Auction => "竞拍",
        _ => "裁定",
    };
}
