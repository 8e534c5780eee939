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

    /// <summary>A day written as yyyy-MM-dd (an import document's, a stored text): within the days a request may name, or a violation of its field.</summary>
    public static DateOnly? Parse(ICollection<FieldViolation> violations, string field, string? text, bool required = false)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Missing(violations, field, required);
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            violations.Add(new(field, "日期格式 yyyy-MM-dd / date as yyyy-MM-dd"));
            return null;
        }

        return InRange(violations, field, date);
    }

    /// <summary>A request's google.type.Date: a real day of the calendar within the days a request may name, or a violation of its field.</summary>
    public static DateOnly? Parse(ICollection<FieldViolation> violations, string field, Google.Type.Date? date, bool required = false)
    {
        if (date is null)
        {
            return Missing(violations, field, required);
        }

        if (!IsCalendarDay(date.Year, date.Month, date.Day))
        {
            violations.Add(new(field, "须为日历上的一天（年、月、日）/ a day of the calendar (year, month and day)"));
            return null;
        }

        return InRange(violations, field, new DateOnly(date.Year, date.Month, date.Day));
    }

    /// <summary>
    /// A request's month (docs/api.md: a google.type.Date with day 0): its first day, within the days a request may
    /// name, or a violation of its field. A month is always required: a report is of one month.
    /// </summary>
    public static DateOnly? ParseMonth(ICollection<FieldViolation> violations, string field, Google.Type.Date? month)
    {
        if (month is null)
        {
            return Missing(violations, field, required: true);
        }

        if (month.Day != 0 || !IsCalendarDay(month.Year, month.Month, 1))
        {
            violations.Add(new(field, "年和月，日为 0 / a year and a month with day 0"));
            return null;
        }

        // The range starts on a first of January and ends on a 31 December, so a month is in it when its first day is.
        return InRange(violations, field, new DateOnly(month.Year, month.Month, 1));
    }

    private static DateOnly? Missing(ICollection<FieldViolation> violations, string field, bool required)
    {
        if (required)
        {
            violations.Add(new(field, "必填 / required"));
        }

        return null;
    }

    private static bool IsCalendarDay(int year, int month, int day) =>
        year is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);

    /// <summary>The one range rule of every day a request names, whichever way it is written.</summary>
    private static DateOnly? InRange(ICollection<FieldViolation> violations, string field, DateOnly day)
    {
        if (day >= Earliest && day <= Latest)
        {
            return day;
        }

        violations.Add(new(field, $"日期须在 {Iso(Earliest)} 至 {Iso(Latest)} 之间 / a date from {Iso(Earliest)} to {Iso(Latest)}"));
        return null;
    }

    /// <summary>The days a request may name (<see cref="EdgeLimits.EarliestDay"/>, held at the edge for every day field).</summary>
    public static readonly DateOnly Earliest = EdgeLimits.EarliestDay;

    public static readonly DateOnly Latest = EdgeLimits.LatestDay;

    /// <summary>A date from another service's answer (yyyy-MM-dd or empty).</summary>
    public static DateOnly? FromWire(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
