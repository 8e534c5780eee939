namespace CustomerProtection.Registration.Backup;

/// <summary>
/// C-8 backups (configuration section <c>Backup</c>): taken by the system every day at <see cref="At"/>
/// (Asia/Shanghai, the business clock), into <see cref="Directory"/>, keeping the newest
/// <see cref="KeepLast"/> and every one younger than <see cref="KeepDays"/> days. On by default; the
/// AppHost sets <see cref="Directory"/> to <c>&lt;data folder&gt;/backups</c> unless configured.
/// </summary>
public sealed class BackupOptions
{
    public const string SectionName = "Backup";

    public bool Enabled { get; set; } = true;

    public string? Directory { get; set; }

    /// <summary>Time of day in Asia/Shanghai, <c>HH:mm</c>.</summary>
    public TimeOnly At { get; set; } = new(3, 0);

    public int KeepLast { get; set; } = 7;

    public int KeepDays { get; set; } = 30;
}
