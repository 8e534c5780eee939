using System.Globalization;
using System.Text.RegularExpressions;
using CustomerProtection.Policy.Errors;

namespace CustomerProtection.Policy;

/// <summary>
/// CNY amounts (P-2.4 deposits and bids, P-3.7 and P-4 prices, P-8.1 fines): <see cref="decimal"/>
/// everywhere, never a float; on the wire a decimal string with exactly two fraction digits
/// (<c>"5000.00"</c>, <c>"0.50"</c>). Two digits because the fen (分) is the smallest unit the policy
/// prices in and every amount is kept to it (<see cref="Amount"/> rounds to it), so nothing is lost;
/// always two, so one amount has one spelling — a client, a log line and a refusal's numbers compare
/// as text, and a report's columns line up the way invoices and the ERP print them.
/// </summary>
public static class Money
{
    /// <summary>Fraction digits of an amount: the fen.</summary>
    public const int Scale = 2;

    /// <summary>The largest amount any field takes unless it says less (15 integer digits).</summary>
    public const decimal Max = 999_999_999_999_999.99m;

    /// <summary>The one wire format (see the type's summary).</summary>
    public static string Format(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>An optional amount: none is the empty string (proto3's unset string).</summary>
    public static string Format(decimal? amount) => amount is { } a ? Format(a) : "";

    /// <summary>
    /// An amount from the wire: at most <see cref="Scale"/> fraction digits, above 0 (or at least 0
    /// with <paramref name="allowZero"/>), at most <paramref name="max"/>; any violation names the field.
    /// </summary>
    public static decimal? Parse(ICollection<FieldViolation> violations, string field, string? text, decimal max = Max, bool allowZero = false, bool required = true) =>
        DecimalField.Parse(violations, field, text, Scale, max, allowZero, required);

    /// <summary>Unit price × quantity to the fen, half away from zero (as invoices round).</summary>
    public static decimal Amount(decimal unitPrice, decimal quantity) => Math.Round(unitPrice * quantity, Scale, MidpointRounding.AwayFromZero);

    /// <summary>An amount this system wrote itself (a stored record, an index member): invariant decimal text.</summary>
    public static decimal ParseStored(string text) => decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
}

/// <summary>
/// A non-negative decimal field on the wire (an amount, a quantity): digits with an optional fraction
/// of at most a given number of digits, no sign, no exponent, no spaces — read exactly, so a value is
/// never rounded on the way in. Violations name the field (google.rpc.BadRequest).
/// </summary>
public static partial class DecimalField
{
    [GeneratedRegex(@"^\d{1,15}(\.\d+)?$")]
    private static partial Regex DecimalText();

    public static decimal? Parse(ICollection<FieldViolation> violations, string field, string? text, int scale, decimal max, bool allowZero = false, bool required = true)
    {
        if (string.IsNullOrEmpty(text))
        {
            if (required)
            {
                violations.Add(new(field, "必填 / required"));
            }

            return null;
        }

        if (!DecimalText().IsMatch(text) || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
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

        if (value > max || (allowZero ? value < 0 : value <= 0))
        {
            var (zh, en) = allowZero ? ("不小于 0", "at least 0") : ("大于 0", "above 0");
            var limit = max.ToString(CultureInfo.InvariantCulture);
            violations.Add(new(field, $"须{zh}且不超过 {limit} / must be {en} and at most {limit}"));
            return null;
        }

        return value;
    }
}
