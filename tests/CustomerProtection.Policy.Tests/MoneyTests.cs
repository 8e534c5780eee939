using CustomerProtection.Policy.Errors;

namespace CustomerProtection.Policy.Tests;

/// <summary>The one Money: its wire format (always two fraction digits) and its parser's field-named violations.</summary>
public sealed class MoneyTests
{
    [Theory]
    [InlineData("5000", 5000)]
    [InlineData("23750.5", 23750.5)]
    [InlineData("0.01", 0.01)]
    [InlineData("1234.50", 1234.5)]
    public void An_amount_is_read_exactly_and_written_with_two_fraction_digits(string text, double expected)
    {
        var violations = new List<FieldViolation>();

        var amount = Money.Parse(violations, "amount", text);

        Assert.Empty(violations);
        Assert.Equal((decimal)expected, amount);
        Assert.Equal(((decimal)expected).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), Money.Format(amount!.Value));
    }

    [Fact]
    public void One_amount_has_one_spelling()
    {
        Assert.Equal(["5000.00", "5000.00", "0.00", "12.30", ""], new[] { Money.Format(5000m), Money.Format(5000.00m), Money.Format(0m), Money.Format(12.3m), Money.Format((decimal?)null) });
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("1e3")]
    [InlineData("1,000")]
    [InlineData("12.345")]
    [InlineData("0")]
    [InlineData("1000000001")]
    public void A_bad_amount_is_one_violation_naming_the_field(string? text)
    {
        var violations = new List<FieldViolation>();

        Assert.Null(Money.Parse(violations, "bids[0].amount", text, max: 1_000_000_000m));

        Assert.Equal("bids[0].amount", Assert.Single(violations).Field);
    }

    [Fact]
    public void Zero_where_allowed_and_nothing_where_optional()
    {
        var violations = new List<FieldViolation>();

        Assert.Equal(0m, Money.Parse(violations, "shipments", "0", allowZero: true));
        Assert.Null(Money.Parse(violations, "shipments", "", required: false));
        Assert.Empty(violations);
    }

    [Fact]
    public void A_quantity_keeps_its_own_scale()
    {
        var violations = new List<FieldViolation>();

        Assert.Equal(2.125m, DecimalField.Parse(violations, "quantity", "2.125", 4, Money.Max));
        Assert.Null(DecimalField.Parse(violations, "quantity", "2.12345", 4, Money.Max));
        Assert.Equal("quantity", Assert.Single(violations).Field);
    }

    [Fact]
    public void An_amount_is_unit_price_times_quantity_to_the_fen_half_away_from_zero()
    {
        Assert.Equal(0.13m, Money.Amount(0.25m, 0.5m));
        Assert.Equal(240.00m, Money.Amount(12m, 20m));
    }
}
