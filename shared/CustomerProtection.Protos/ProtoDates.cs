using System.Globalization;
using Google.Type;

namespace CustomerProtection.Protos;

/// <summary>
/// google.type.Date (a policy day, Asia/Shanghai; docs/api.md) beside <see cref="DateOnly"/>, for servers and clients
/// alike. A server reads a request's Date through CustomerProtection.Time.Dates.Parse, which refuses an invalid one
/// with its field; these conversions are for days that are already valid (stored records, a server's answer).
/// </summary>
public static class ProtoDates
{
    public static Date ToProtoDate(this DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };

    /// <summary>Unset (null) for no day: the field is left out of the message.</summary>
    public static Date? ToProtoDate(this DateOnly? day) => day is { } d ? d.ToProtoDate() : null;

    public static DateOnly ToDateOnly(this Date date) => new(date.Year, date.Month, date.Day);

    /// <summary>yyyy-MM-dd for people and for the string fields that still carry a day; empty for an unset day.</summary>
    public static string ToIso(this Date? date) =>
        date is null ? "" : date.ToDateOnly().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
