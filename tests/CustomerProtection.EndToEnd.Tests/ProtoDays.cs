using System.Globalization;
using CustomerProtection.Protos;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>A day as the tests hold it (yyyy-MM-dd, the clock's today) as the google.type.Date the protos take.</summary>
internal static class ProtoDays
{
    public static Google.Type.Date Day(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToProtoDate();
}
