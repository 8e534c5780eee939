using System.Globalization;
using CustomerProtection.Policy.Errors;

namespace CustomerProtection.Arbitration.Domain;

/// <summary>CNY amounts: decimal text on the wire ("5000.00"), at most two decimals, never a float.</summary>
public static class Money
{
    public const decimal Max = 1_000_000_000m;

    public static decimal? Parse(ICollection<FieldViolation> violations, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            violations.Add(new(field, "必填 / required"));
            return null;
        }

        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value.Scale > 2)
        {
            violations.Add(new(field, "金额为最多两位小数的十进制数 / an amount in CNY with at most 2 decimals"));
            return null;
        }

        if (value <= 0 || value > Max)
        {
            violations.Add(new(field, $"金额须大于 0 且不超过 {Format(Max)} / must be above 0 and at most {Format(Max)}"));
            return null;
        }

        return value;
    }

    public static string Format(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}
