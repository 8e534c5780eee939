namespace CustomerProtection.Notifications.Domain;

/// <summary>The kinds of notice, one per event the worker delivers (docs/notifications.md has the table).</summary>
public static class NoticeKinds
{
    public const string ProtectionReminder = "protection_reminder";
    public const string ProtectionLapsed = "protection_lapsed";
    public const string FilingAnnounced = "filing_announced";
    public const string CrossRegionEscalated = "cross_region_escalated";
    public const string OwnershipAwarded = "ownership_awarded";
    public const string PenaltyImposed = "penalty_imposed";
    public const string ComplaintEscalated = "complaint_escalated";
    public const string FollowUpOverdue = "follow_up_overdue";
    public const string DealerReviewDue = "dealer_review_due";

    /// <summary>A person's daily digest of the notices held back for it (not a kind one mutes).</summary>
    public const string DailyDigest = "daily_digest";

    public static readonly IReadOnlyList<string> All =
        [ProtectionReminder, ProtectionLapsed, FilingAnnounced, CrossRegionEscalated, OwnershipAwarded, PenaltyImposed, ComplaintEscalated, FollowUpOverdue, DealerReviewDue];

    /// <summary>
    /// The kinds a person may not mute, each with the rule that makes it theirs to know: a fine (P-8: they may
    /// appeal it) and a case's decision on who owns a customer (P-9).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> NeverMuted = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [PenaltyImposed] = "P-8",
        [OwnershipAwarded] = "P-9",
    };
}

/// <summary>
/// Who a notice is for, as the event names them: people by id, and people by their place in the
/// organisation (a branch's manager and secretaries, a region's managers, hq), resolved from the
/// worker's own copy of the directory when the notice is recorded; a place no one holds in the copy yet
/// stays a <see cref="RoleRecipients"/> recipient, resolved when its mail is sent.
/// </summary>
public sealed record Audience(
    IReadOnlyList<string> Employees,
    IReadOnlyList<string> ManagersOfBranches,
    IReadOnlyList<string> SecretariesOfBranches,
    bool Hq)
{
    public static Audience Of(params string?[] employees) => new([.. employees.OfType<string>().Where(e => e.Length > 0)], [], [], false);

    public Audience AndManagerOf(string? branchId) => branchId is { Length: > 0 } b ? this with { ManagersOfBranches = [.. ManagersOfBranches, b] } : this;

    public Audience AndSecretariesOf(string? branchId) => branchId is { Length: > 0 } b ? this with { SecretariesOfBranches = [.. SecretariesOfBranches, b] } : this;

    public Audience AndHq() => this with { Hq = true };
}

/// <summary>One line of a notice, in Chinese with English beside it.</summary>
public sealed record Bilingual(string Zh, string En);

/// <summary>
/// What one event tells its audience: the kind, the rule it is about, the subject and the lines of the body;
/// <paramref name="BranchChat"/>: the branch whose team chat robots post it too (a branch's announcements, lapses
/// and complaints; none for what concerns one person alone); <paramref name="Digest"/>: its section in the daily digest of
/// those who chose one (<see cref="DigestSections"/>; none: it comes at once to everyone).
/// </summary>
public sealed record Notice(string Kind, string RuleId, Audience Audience, Bilingual Subject, IReadOnlyList<Bilingual> Lines, string? BranchChat = null,
    string? Digest = null);

/// <summary>
/// A place in the organisation as a delivery's recipient, for when the copy knows no one in it as the notice is
/// recorded (the copy lags Territory): <c>role:manager:&lt;branch&gt;</c>, <c>role:secretaries:&lt;branch&gt;</c>,
/// <c>role:hq</c>. Each attempt resolves it to whoever holds it then (<see cref="Application.ResolveAddressees"/>).
/// </summary>
public static class RoleRecipients
{
    private const string Prefix = "role:";
    private const string Manager = Prefix + "manager:";
    private const string Secretaries = Prefix + "secretaries:";

    public const string Hq = Prefix + "hq";

    public static string ManagerOf(string branchId) => Manager + branchId;

    public static string SecretariesOf(string branchId) => Secretaries + branchId;

    public static bool IsRole(string recipientId) => recipientId.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The branch whose manager the recipient is, or null.</summary>
    public static string? ManagedBranch(string recipientId) => recipientId.StartsWith(Manager, StringComparison.Ordinal) ? recipientId[Manager.Length..] : null;

    /// <summary>The branch whose secretaries the recipient is, or null.</summary>
    public static string? SecretariedBranch(string recipientId) => recipientId.StartsWith(Secretaries, StringComparison.Ordinal) ? recipientId[Secretaries.Length..] : null;
}

/// <summary>One mailbox a mail goes to, resolved from the directory copy when it is sent.</summary>
public sealed record Mailbox(string Name, string Address);

/// <summary>Channels a delivery goes over.</summary>
public static class Channels
{
    public const string Email = "email";

    /// <summary>A robot's delivery's recipient id: <c>robot:&lt;name&gt;</c> (its channel is the platform).</summary>
    public static string RobotRecipient(string robotName) => "robot:" + robotName;
}

public static class DeliveryStatuses
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";

    /// <summary>Not sent, on purpose, with the reason: its recipient left before it went (C-9), or no holder of its role is to be told.</summary>
    public const string Withdrawn = "withdrawn";
}

/// <summary>
/// One notice to one recipient over one channel, stored until it is sent or has failed for good. Its id
/// is (event id, recipient, channel): the same event never reaches the same person twice on a channel.
/// </summary>
public sealed record Delivery(
    string DeliveryId,
    string EventId,
    string Kind,
    string RuleId,
    string RecipientId,
    string RecipientName,
    string Channel,
    string? Address,
    string Subject,
    string Text,
    string Html,
    string Status,
    int Attempts,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt,
    DateTimeOffset? FailedAt)
{
    public static string IdOf(string eventId, string recipientId, string channel) => $"{eventId}:{recipientId}:{channel}";
}
