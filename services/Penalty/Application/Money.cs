using System.Globalization;
using CustomerProtection.Policy.Errors;

namespace CustomerProtection.Penalty.Application;

/// <summary>CNY amounts on the wire: decimal strings with at most two decimals ("5000", "23750.5").</summary>
public static class Money
{
    public static decimal Parse(List<FieldViolation> violations, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            violations.Add(new(field, "必填 / required"));
            return 0;
        }

        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            || amount.Scale > 2
            || amount > ViolationReports.MaxShipments)
        {
            violations.Add(new(field, "须为不超过两位小数的金额（元）/ an amount in CNY with at most two decimals"));
            return 0;
        }

        return amount;
    }

    /// <summary>An optional amount: empty is null.</summary>
    public static decimal? ParseOptional(List<FieldViolation> violations, string field, string? text) =>
        string.IsNullOrEmpty(text) ? null : Parse(violations, field, text);

    public static string Format(decimal amount) => amount.ToString("0.##", CultureInfo.InvariantCulture);
}
