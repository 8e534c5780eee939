namespace CustomerProtection.Policy;

/// <summary>
/// The configuration section <c>Policy</c>, shaped for Microsoft.Extensions.Configuration binding
/// (this library itself takes no configuration package):
/// <code>
/// "Policy": {
///   "CalendarDirectory": null,
///   "Versions": [
///     { "EffectiveFrom": "2026-01-01", "Overrides": { "ProspectProtectionDays": 45, "OwnerReminderDaysBefore": [ 30, 14, 7, 1 ] } }
///   ]
/// }
/// </code>
/// Versions are applied in date order, each on top of the one before it, starting from the
/// policy.md defaults in force since 2013-12-02 (P-14). Bind with
/// <c>BinderOptions.ErrorOnUnknownConfiguration = true</c> so that a misspelt parameter name fails
/// at start-up instead of silently keeping its default.
/// </summary>
public sealed record PolicySettings
{
    public const string SectionName = "Policy";

    /// <summary>The holiday-cn data folder; null for <see cref="WorkingDayCalendar.DefaultDirectory"/>.</summary>
    public string? CalendarDirectory { get; init; }

    public IReadOnlyList<PolicyVersionSettings> Versions { get; init; } = [];
}

/// <summary>One policy version in configuration.</summary>
public sealed record PolicyVersionSettings
{
    /// <summary>ISO date (yyyy-MM-dd, Asia/Shanghai) from which the version is in force.</summary>
    public string? EffectiveFrom { get; init; }

    /// <summary>What changes from the previous version.</summary>
    public PolicyOverrides Overrides { get; init; } = new();
}
