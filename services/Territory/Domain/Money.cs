using System.Globalization;
using System.Text.RegularExpressions;
using CustomerProtection.Policy.Errors;

namespace CustomerProtection.Territory.Domain;

/// <summary>
/// Money and quantities: <see cref="decimal"/> in the domain, decimal strings on the wire
/// (docs/territory.md). Prices and amounts are CNY to the fen (2 fraction digits).
/// </summary>
public static partial class Money
{
    public const int PriceScale = 2;
    public const int QuantityScale = 4;

    /// <summary>The smallest step of a price: one fen (分).</summary>
    public const decimal Fen = 0.01m;

    [GeneratedRegex(@"^-?\d{1,15}(\.\d+)?$")]
    private static partial Regex DecimalText();

    /// <summary>Parses a decimal string with at most <paramref name="scale"/> fraction digits; a violation names the field otherwise.</summary>
    public static decimal? Parse(ICollection<FieldViolation> violations, string field, string? text, int scale, bool positive = true, bool required = true)
    {
        if (string.IsNullOrEmpty(text))
        {
            if (required)
            {
                violations.Add(new(field, "必填 / required"));
            }

            return null;
        }

        if (!DecimalText().IsMatch(text) || !decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            violations.Add(new(field, "十进制数字符串，如 1234.50 / a decimal string such as 1234.50"));
            return null;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0 && text.Length - dot - 1 > scale)
        {
            violations.Add(new(field, $"最多 {scale} 位小数 / at most {scale} fraction digits"));
            return null;
        }

        if (positive && value <= 0)
        {
            violations.Add(new(field, "必须大于 0 / must be greater than 0"));
            return null;
        }

        return value;
    }

    /// <summary>Unit price × quantity to the fen, half away from zero (as invoices round).</summary>
    public static decimal Amount(decimal unitPrice, decimal quantity) => Math.Round(unitPrice * quantity, PriceScale, MidpointRounding.AwayFromZero);

    public static string Format(decimal value) => value.ToString("0.00##", CultureInfo.InvariantCulture);

    public static string Format(decimal? value) => value is { } v ? Format(v) : "";

    public static decimal ParseStored(string text) => decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
}
