using NodaTime;

namespace CustomerProtection.Registration.Backup;

/// <summary>One backup file as its name tells it: when it was taken (C-8).</summary>
public sealed record BackupName(string FileName, Instant TakenAt)
{
    public const string Prefix = "customerprotection-";
    public const string Extension = ".cpbackup";
    private const string Stamp = "yyyyMMdd'T'HHmmss'Z'";

    public static BackupName For(Instant takenAt) =>
        new(Prefix + takenAt.ToString(Stamp, System.Globalization.CultureInfo.InvariantCulture) + Extension, takenAt);

    /// <summary>The backup a file name stands for; null for any other file (a partial one, a checksum, an operator's note).</summary>
    public static BackupName? Parse(string fileName)
    {
        if (!fileName.StartsWith(Prefix, StringComparison.Ordinal) || !fileName.EndsWith(Extension, StringComparison.Ordinal))
        {
            return null;
        }

        var stamp = fileName[Prefix.Length..^Extension.Length];
        var parsed = NodaTime.Text.InstantPattern.CreateWithInvariantCulture(Stamp).Parse(stamp);
        return parsed.Success ? new BackupName(fileName, parsed.Value) : null;
    }
}

/// <summary>
/// C-8: when a backup is due and which ones retention deletes — pure functions of the instant, so tests
/// move the clock instead of waiting.
/// </summary>
public static class BackupSchedule
{
    /// <summary>The latest scheduled instant at or before <paramref name="now"/>: today's <paramref name="at"/> in Asia/Shanghai once it has passed, else yesterday's.</summary>
    public static Instant LatestSlot(Instant now, LocalTime at)
    {
        var today = now.InZone(PolicyTime.Shanghai).Date;
        var slot = today.At(at).InZoneLeniently(PolicyTime.Shanghai).ToInstant();
        return slot <= now ? slot : today.PlusDays(-1).At(at).InZoneLeniently(PolicyTime.Shanghai).ToInstant();
    }

    /// <summary>
    /// Due when a scheduled instant has passed since <paramref name="since"/> (the slot of the last backup, or when
    /// the schedule first started). However far the clock jumped, that is one backup, not one per missed day.
    /// </summary>
    public static bool IsDue(Instant now, LocalTime at, Instant since) => LatestSlot(now, at) > since;

    /// <summary>
    /// The backups retention deletes: those that are neither among the newest <paramref name="keepLast"/> nor younger
    /// than <paramref name="keepDays"/> days. With <paramref name="keepLast"/> at least 1 the newest always stays.
    /// </summary>
    public static IReadOnlyList<BackupName> ToDelete(IEnumerable<BackupName> backups, Instant now, int keepLast, int keepDays) =>
        backups.OrderByDescending(b => b.TakenAt)
            .Where((b, index) => index >= keepLast && now - b.TakenAt >= Duration.FromDays(keepDays))
            .ToList();
}
