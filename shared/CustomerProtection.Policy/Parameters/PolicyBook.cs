using System.Diagnostics.CodeAnalysis;
using NodaTime;
using NodaTime.Text;

namespace CustomerProtection.Policy;

/// <summary>One version of the policy's numbers and the day it takes effect.</summary>
public sealed record PolicyVersion(LocalDate EffectiveFrom, PolicyParameters Parameters);

/// <summary>
/// The versioned policy parameters (P-14): a decision uses the parameters in force on the day of its
/// event (the filing's approval day for its period, the request day for an extension, the day of
/// the violation for a fine). Immutable.
/// </summary>
public sealed class PolicyBook
{
    /// <summary>P-14: the policy took effect on 2013-12-02.</summary>
    public static readonly LocalDate PolicyStart = new(2013, 12, 2);

    private readonly PolicyVersion[] versions;

    /// <exception cref="PolicyConfigurationException">No version, two versions on one day, a
    /// version before <see cref="PolicyStart"/>, or parameters that fail
    /// <see cref="PolicyParameters.Validate"/>.</exception>
    public PolicyBook(IEnumerable<PolicyVersion> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        this.versions = [.. versions.OrderBy(v => v.EffectiveFrom)];
        if (this.versions.Length == 0)
        {
            throw new PolicyConfigurationException("A policy book needs at least one version.");
        }

        var errors = new List<string>();
        for (var i = 0; i < this.versions.Length; i++)
        {
            var version = this.versions[i];
            if (version.EffectiveFrom < PolicyStart)
            {
                errors.Add($"Version {Iso(version.EffectiveFrom)}: the policy took effect on {Iso(PolicyStart)} (P-14).");
            }

            if (i > 0 && this.versions[i - 1].EffectiveFrom == version.EffectiveFrom)
            {
                errors.Add($"Two versions take effect on {Iso(version.EffectiveFrom)}.");
            }

            errors.AddRange(version.Parameters.Validate().Select(e => $"Version {Iso(version.EffectiveFrom)}: {e}"));
        }

        if (errors.Count > 0)
        {
            throw new PolicyConfigurationException(string.Join(Environment.NewLine, errors));
        }

        Versions = this.versions;
    }

    /// <summary>The policy.md defaults, in force since 2013-12-02.</summary>
    public static PolicyBook Default { get; } = new([new PolicyVersion(PolicyStart, PolicyParameters.Defaults)]);

    /// <summary>The versions in order of <see cref="PolicyVersion.EffectiveFrom"/>.</summary>
    public IReadOnlyList<PolicyVersion> Versions { get; }

    /// <summary>
    /// Builds the book from configuration: the policy.md defaults from 2013-12-02, then each
    /// configured version's overrides on top of the version before it, in date order. A configured
    /// version dated 2013-12-02 amends the defaults themselves.
    /// </summary>
    public static PolicyBook FromSettings(PolicySettings? settings)
    {
        if (settings is null || settings.Versions.Count == 0)
        {
            return Default;
        }

        var configured = new List<(LocalDate From, PolicyOverrides Overrides)>();
        var errors = new List<string>();
        for (var i = 0; i < settings.Versions.Count; i++)
        {
            var version = settings.Versions[i];
            var parsed = LocalDatePattern.Iso.Parse(version.EffectiveFrom ?? string.Empty);
            if (!parsed.Success)
            {
                errors.Add($"Policy:Versions:{i}:EffectiveFrom must be a date yyyy-MM-dd (is '{version.EffectiveFrom}').");
                continue;
            }

            configured.Add((parsed.Value, version.Overrides ?? new PolicyOverrides()));
        }

        if (errors.Count > 0)
        {
            throw new PolicyConfigurationException(string.Join(Environment.NewLine, errors));
        }

        configured.Sort((a, b) => a.From.CompareTo(b.From));
        var result = new List<PolicyVersion>();
        var current = PolicyParameters.Defaults;
        if (configured[0].From != PolicyStart)
        {
            result.Add(new PolicyVersion(PolicyStart, current));
        }

        foreach (var (from, overrides) in configured)
        {
            current = overrides.ApplyTo(current);
            result.Add(new PolicyVersion(from, current));
        }

        return new PolicyBook(result);
    }

    /// <summary>The parameters in force on <paramref name="day"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The day is before the first version
    /// (the policy was not in force: P-14).</exception>
    public PolicyParameters For(LocalDate day) => VersionFor(day).Parameters;

    /// <summary>The version in force on <paramref name="day"/>.</summary>
    public PolicyVersion VersionFor(LocalDate day) =>
        TryVersionFor(day, out var version)
            ? version
            : throw new ArgumentOutOfRangeException(
                nameof(day),
                day,
                $"政策于 {Iso(versions[0].EffectiveFrom)} 生效 / The policy is in force from {Iso(versions[0].EffectiveFrom)} (P-14).");

    /// <summary>The parameters in force on <paramref name="day"/>, or false before the policy.</summary>
    public bool TryFor(LocalDate day, [NotNullWhen(true)] out PolicyParameters? parameters)
    {
        var found = TryVersionFor(day, out var version);
        parameters = version?.Parameters;
        return found;
    }

    private bool TryVersionFor(LocalDate day, [NotNullWhen(true)] out PolicyVersion? version)
    {
        for (var i = versions.Length - 1; i >= 0; i--)
        {
            if (versions[i].EffectiveFrom <= day)
            {
                version = versions[i];
                return true;
            }
        }

        version = null;
        return false;
    }

    private static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);
}
