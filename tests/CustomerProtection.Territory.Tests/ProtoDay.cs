using System.Globalization;

namespace CustomerProtection.Territory.Tests;

/// <summary>A request's google.type.Date, as the gRPC layer hands it to the use cases.</summary>
internal static class ProtoDay
{
    public static Google.Type.Date Day(int year, int month, int day) => new() { Year = year, Month = month, Day = day };

    /// <summary>The rigs' sales are written with yyyy-MM-dd days, as they read best in a test.</summary>
    public static Google.Type.Date Day(string iso)
    {
        var day = DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return Day(day.Year, day.Month, day.Day);
    }
}
