using CustomerProtection.Registration.Backup;
using CustomerProtection.Policy;
using NodaTime;

namespace CustomerProtection.Registration.Tests.Backup;

/// <summary>C-8: when a scheduled backup is due and what retention deletes, as pure functions of the instant.</summary>
public sealed class BackupScheduleTests
{
    private static readonly LocalTime At = new(3, 0);

    private static Instant Shanghai(int day, int hour, int minute = 0) =>
        new LocalDateTime(2026, 12, day, hour, minute).InZoneStrictly(PolicyTime.Shanghai).ToInstant();

    [Fact]
    public void C8_the_latest_slot_is_today_at_the_hour_once_passed_else_yesterday()
    {
        Assert.Equal(Shanghai(6, 3), BackupSchedule.LatestSlot(Shanghai(6, 3), At));
        Assert.Equal(Shanghai(6, 3), BackupSchedule.LatestSlot(Shanghai(6, 23, 59), At));
        Assert.Equal(Shanghai(5, 3), BackupSchedule.LatestSlot(Shanghai(6, 2, 59), At));
    }

    [Fact]
    public void C8_a_backup_is_due_once_per_scheduled_instant_and_once_after_a_jump_of_days()
    {
        var started = Shanghai(6, 10);
        Assert.False(BackupSchedule.IsDue(Shanghai(7, 2, 59), At, started));
        Assert.True(BackupSchedule.IsDue(Shanghai(7, 3), At, started));

        var done = BackupSchedule.LatestSlot(Shanghai(7, 3, 5), At);
        Assert.False(BackupSchedule.IsDue(Shanghai(7, 23), At, done));
        Assert.True(BackupSchedule.IsDue(Shanghai(8, 3), At, done));

        // Three days later: the slot to take is the latest one, one backup.
        Assert.Equal(Shanghai(10, 3), BackupSchedule.LatestSlot(Shanghai(10, 12), At));
        Assert.False(BackupSchedule.IsDue(Shanghai(10, 12), At, BackupSchedule.LatestSlot(Shanghai(10, 12), At)));
    }

    [Fact]
    public void C8_retention_keeps_the_newest_n_and_those_younger_than_the_days_and_deletes_the_oldest()
    {
        var now = Shanghai(20, 12);
        var backups = Enumerable.Range(1, 10).Select(d => BackupName.For(Shanghai(d + 10, 3))).ToList(); // 11th … 20th

        var deleted = BackupSchedule.ToDelete(backups, now, keepLast: 3, keepDays: 0);
        Assert.Equal(backups.Take(7).Select(b => b.FileName).Order(), deleted.Select(b => b.FileName).Order());

        // Younger than 5 days (the 16th at 03:00 is 4 days 9 hours old) stays even beyond the newest 3.
        deleted = BackupSchedule.ToDelete(backups, now, keepLast: 3, keepDays: 5);
        Assert.Equal(backups.Take(5).Select(b => b.FileName).Order(), deleted.Select(b => b.FileName).Order());

        // However old, the newest stays.
        Assert.Empty(BackupSchedule.ToDelete([backups[0]], Shanghai(30, 12), keepLast: 1, keepDays: 0));
    }

    [Fact]
    public void C8_a_backup_file_name_carries_its_instant_and_other_files_are_not_backups()
    {
        var name = BackupName.For(Shanghai(6, 3));
        Assert.Equal("customerprotection-20261205T190000Z.cpbackup", name.FileName);
        Assert.Equal(name, BackupName.Parse(name.FileName));
        Assert.Null(BackupName.Parse(name.FileName + ".sha256"));
        Assert.Null(BackupName.Parse(name.FileName + ".partial"));
        Assert.Null(BackupName.Parse("customerprotection-yesterday.cpbackup"));
    }
}
