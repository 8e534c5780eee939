using System.Globalization;
using CustomerProtection.Policy.Errors;
using CustomerProtection.ServiceDefaults.Validation;
using NodaTime;

namespace CustomerProtection.Time;

/// <summary>ISO dates (Asia/Shanghai) between the wire, the stored records and events (<see cref="DateOnly"/>) and NodaTime.</summary>
public static class Dates
{
    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Iso(DateOnly? date) => date is { } d ? Iso(d) : "";

    public static string Iso(DateTimeOffset? instant) => instant?.ToString("O", CultureInfo.InvariantCulture) ?? "";

    public static DateOnly ToDateOnly(LocalDate date) => new(date.Year, date.Month, date.Day);

    public static LocalDate ToLocalDate(DateOnly date) => new(date.Year, date.Month, date.Day);

    /// <summary>The Asia/Shanghai day of an instant.</summary>
    public static DateOnly DateOf(DateTimeOffset instant) => ToDateOnly(Policy.PolicyTime.DateOf(Instant.FromDateTimeOffset(instant)));

    public static DateOnly? Parse(ICollection<FieldViolation> violations, string field, string? text, bool required = false)
    {
        if (string.IsNullOrEmpty(text))
        {
            if (required)
            {
                violations.Add(new(field, "必填 / required"));
            }

            return null;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            violations.Add(new(field, "日期格式 yyyy-MM-dd / date as yyyy-MM-dd"));
            return null;
        }

        if (date < Earliest || date > Latest)
        {
            violations.Add(new(field, $"日期须在 {Iso(Earliest)} 至 {Iso(Latest)} 之间 / a date from {Iso(Earliest)} to {Iso(Latest)}"));
            return null;
        }

        return date;
    }

    /// <summary>A request's google.type.Date: a real day of the calendar within the days a request may name, or a violation of its field.</summary>
    public static DateOnly? Parse(ICollection<FieldViolation> violations, string field, Google.Type.Date? date, bool required = false)
    {
        if (date is null)
        {
            if (required)
            {
                violations.Add(new(field, "必填 / required"));
            }

            return null;
        }

        if (date.Year < 1 || date.Year > 9999 || date.Month is < 1 or > 12 || date.Day < 1 || date.Day > DateTime.DaysInMonth(date.Year, date.Month))
        {
            violations.Add(new(field, "须为日历上的一天（年、月、日）/ a day of the calendar (year, month and day)"));
            return null;
        }

        var day = new DateOnly(date.Year, date.Month, date.Day);
        if (day < Earliest || day > Latest)
        {
            violations.Add(new(field, $"日期须在 {Iso(Earliest)} 至 {Iso(Latest)} 之间 / a date from {Iso(Earliest)} to {Iso(Latest)}"));
            return null;
        }

        return day;
    }

    /// <summary>
    /// A request's google.type.Date as the yyyy-MM-dd text the use cases parse with <see cref="Parse(ICollection{FieldViolation}, string, string?, bool)"/>
    /// (empty when unset). The numbers are written as given, so an impossible day (month 13, February 30, day 0) fails
    /// that parse on its field, together with the request's other fields.
    /// </summary>
    public static string AsText(Google.Type.Date? date) =>
        date is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{date.Year:D4}-{date.Month:D2}-{date.Day:D2}");

    /// <summary>The days a request may name (<see cref="EdgeLimits.EarliestDay"/>, held at the edge for every day field).</summary>
    public static readonly DateOnly Earliest = EdgeLimits.EarliestDay;

    public static readonly DateOnly Latest = EdgeLimits.LatestDay;

    /// <summary>A date from another service's answer (yyyy-MM-dd or empty).</summary>
    public static DateOnly? FromWire(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
