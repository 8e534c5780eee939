using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace CustomerProtection.Penalty.Domain;

/// <summary>
/// The Penalty service's own parameters, beside the rule book's numbers in <see cref="PolicyParameters"/>
/// (floor 5,000, manager 10,000, major customer above 500,000, 20,000–50,000, serious count and
/// window). Like them, every number here is configuration with a default, versioned by effective
/// date (P-14). Money is CNY.
/// </summary>
public sealed record PenaltySchedule
{
    public static PenaltySchedule Defaults { get; } = new();

    /// <summary>
    /// P-8.1 schedule: the violator's proposed fine by violation kind (or, where the kind is not
    /// listed, by rule id: "P-5"). Unlisted violations are fined the floor
    /// (<see cref="PolicyParameters.ViolatorFineMin"/>); an entry below the floor is raised to it.
    /// Empty by default: the rule book names no amount above the floor.
    /// </summary>
    public IReadOnlyDictionary<string, decimal> ViolatorFineByKind { get; init; } = new Dictionary<string, decimal>();

    /// <summary>
    /// The most hq may adjust an ordinary violator's fine to. The rule book names only the floor
    /// (P-8.1), so there is none by default (null); a company may set one for ordinary cases. A case
    /// hq declares serious (P-8.3) is never capped: its heavier fine is hq's to set.
    /// </summary>
    public decimal? ViolatorFineMax { get; init; }

    /// <summary>
    /// P-8.1 scale of the manager's major-customer fine: linear from
    /// <see cref="PolicyParameters.ManagerFineMajorMin"/> just above the major-customer threshold to
    /// <see cref="PolicyParameters.ManagerFineMajorMax"/> at these annual shipments and above.
    /// </summary>
    public decimal MajorScaleFullAt { get; init; } = 5_000_000m;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var (kind, amount) in ViolatorFineByKind)
        {
            if (string.IsNullOrWhiteSpace(kind))
            {
                errors.Add($"{nameof(ViolatorFineByKind)} has an empty kind");
            }

            if (amount < 0 || amount > ViolatorFineMax)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{nameof(ViolatorFineByKind)}[{kind}] must be between 0 and {nameof(ViolatorFineMax)} {ViolatorFineMax?.ToString(CultureInfo.InvariantCulture) ?? "(none)"} (is {amount})"));
            }
        }

        if (ViolatorFineMax <= 0)
        {
            errors.Add($"{nameof(ViolatorFineMax)} must be positive");
        }

        if (MajorScaleFullAt <= 0)
        {
            errors.Add($"{nameof(MajorScaleFullAt)} must be positive");
        }

        return errors;
    }
}

/// <summary>The configuration section <c>Penalty:Schedule</c>: versions applied in date order on top of the defaults.</summary>
public sealed record PenaltyScheduleSettings
{
    public const string SectionName = "Penalty:Schedule";

    public IReadOnlyList<PenaltyScheduleVersionSettings> Versions { get; init; } = [];
}

/// <summary>
/// One version: what changes from the version before (null: unchanged). Schedule entries are merged
/// into the previous schedule kind by kind.
/// </summary>
public sealed record PenaltyScheduleVersionSettings
{
    public string? EffectiveFrom { get; init; }

    public Dictionary<string, decimal>? ViolatorFineByKind { get; init; }

    public decimal? ViolatorFineMax { get; init; }

    public decimal? MajorScaleFullAt { get; init; }
}

/// <summary>The versioned schedule (P-14): a fine uses the version in force on the day of its violation.</summary>
public sealed class PenaltyScheduleBook
{
    private readonly (LocalDate From, PenaltySchedule Schedule)[] _versions;

    public PenaltyScheduleBook(IEnumerable<(LocalDate From, PenaltySchedule Schedule)> versions)
    {
        _versions = [.. versions.OrderBy(v => v.From)];
        var errors = new List<string>();
        if (_versions.Length == 0 || _versions[0].From > PolicyBook.PolicyStart)
        {
            errors.Add($"The first schedule version must take effect on or before {PolicyBook.PolicyStart} (P-14).");
        }

        for (var i = 0; i < _versions.Length; i++)
        {
            if (i > 0 && _versions[i - 1].From == _versions[i].From)
            {
                errors.Add($"Two schedule versions take effect on {_versions[i].From}.");
            }

            errors.AddRange(_versions[i].Schedule.Validate().Select(e => $"Schedule {LocalDatePattern.Iso.Format(_versions[i].From)}: {e}"));
        }

        if (errors.Count > 0)
        {
            throw new PolicyConfigurationException(string.Join(Environment.NewLine, errors));
        }
    }

    public static PenaltyScheduleBook Default { get; } = new([(PolicyBook.PolicyStart, PenaltySchedule.Defaults)]);

    /// <summary>The schedule in force on <paramref name="day"/> (the first version before it: a day before the policy has no fines anyway).</summary>
    public PenaltySchedule For(LocalDate day)
    {
        for (var i = _versions.Length - 1; i > 0; i--)
        {
            if (_versions[i].From <= day)
            {
                return _versions[i].Schedule;
            }
        }

        return _versions[0].Schedule;
    }

    public static PenaltyScheduleBook FromSettings(PenaltyScheduleSettings? settings)
    {
        if (settings is null || settings.Versions.Count == 0)
        {
            return Default;
        }

        var configured = new List<(LocalDate From, PenaltyScheduleVersionSettings Version)>();
        foreach (var (version, i) in settings.Versions.Select((v, i) => (v, i)))
        {
            var parsed = LocalDatePattern.Iso.Parse(version.EffectiveFrom ?? "");
            if (!parsed.Success)
            {
                throw new PolicyConfigurationException($"{PenaltyScheduleSettings.SectionName}:Versions:{i}:EffectiveFrom must be a date yyyy-MM-dd (is '{version.EffectiveFrom}').");
            }

            configured.Add((parsed.Value, version));
        }

        configured.Sort((a, b) => a.From.CompareTo(b.From));
        var result = new List<(LocalDate, PenaltySchedule)>();
        var current = PenaltySchedule.Defaults;
        if (configured[0].From > PolicyBook.PolicyStart)
        {
            result.Add((PolicyBook.PolicyStart, current));
        }

        foreach (var (from, version) in configured)
        {
            var kinds = new Dictionary<string, decimal>(current.ViolatorFineByKind, StringComparer.Ordinal);
            foreach (var (kind, amount) in version.ViolatorFineByKind ?? [])
            {
                kinds[kind] = amount;
            }

            current = current with
            {
                ViolatorFineByKind = kinds,
                ViolatorFineMax = version.ViolatorFineMax ?? current.ViolatorFineMax,
                MajorScaleFullAt = version.MajorScaleFullAt ?? current.MajorScaleFullAt,
            };
            result.Add((from, current));
        }

        return new PenaltyScheduleBook(result);
    }
}
