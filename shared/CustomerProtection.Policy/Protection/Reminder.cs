using NodaTime;

namespace CustomerProtection.Policy;

/// <summary>Who an X-3 reminder goes to.</summary>
public enum ReminderRecipient
{
    /// <summary>The salesperson or dealer who owns the protection.</summary>
    Owner = 1,

    /// <summary>The owner's branch manager.</summary>
    Manager = 2,
}

/// <summary>
/// An X-3 expiry reminder: due on <paramref name="On"/> = last protected day − <paramref name="DaysBefore"/>
/// calendar days, from 00:00 Asia/Shanghai (<paramref name="DueAt"/>).
/// </summary>
public sealed record Reminder(ReminderRecipient Recipient, int DaysBefore, LocalDate On, Instant DueAt, bool Provisional)
{
    public const string RuleId = "X-3";
}
