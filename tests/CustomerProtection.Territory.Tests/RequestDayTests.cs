using CustomerProtection.Policy.Errors;
using CustomerProtection.ServiceDefaults.Validation;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Reports;
using CustomerProtection.Testing;
using CustomerProtection.Time;
using static CustomerProtection.Territory.Tests.ProtoDay;

namespace CustomerProtection.Territory.Tests;

/// <summary>
/// docs/api.md: a request's policy day is a google.type.Date and a month one with day 0, read by one reader
/// (Dates.Parse, Dates.ParseMonth) with one range rule (1900–2199, as the edge holds it), on the field.
/// </summary>
public sealed class RequestDayTests(RedisServer redis) : SalesRig(redis), IClassFixture<RedisServer>
{
    private const string OffTheCalendar = "须为日历上的一天（年、月、日）/ a day of the calendar (year, month and day)";

    [Theory]
    [InlineData(2026, 2, 29)]
    [InlineData(2026, 2, 30)]
    [InlineData(2026, 4, 31)]
    [InlineData(2026, 11, 0)]
    [InlineData(2026, 0, 1)]
    [InlineData(2026, 13, 1)]
    [InlineData(0, 1, 1)]
    [InlineData(-1, 1, 1)]
    [InlineData(10000, 1, 1)]
    public void A_day_that_is_not_on_the_calendar_is_refused_on_its_field_as_such(int year, int month, int day)
    {
        var violations = new List<FieldViolation>();

        Assert.Null(Dates.Parse(violations, "on", Day(year, month, day)));

        Assert.Equal(new FieldViolation("on", OffTheCalendar), Assert.Single(violations));
    }

    [Theory]
    [InlineData(1899, 12, 31)]
    [InlineData(2200, 1, 1)]
    public void A_day_outside_1900_to_2199_is_refused_with_the_message_of_the_text_reader(int year, int month, int day)
    {
        var asDate = new List<FieldViolation>();
        var asText = new List<FieldViolation>();

        Assert.Null(Dates.Parse(asDate, "on", Day(year, month, day)));
        Assert.Null(Dates.Parse(asText, "on", $"{year:D4}-{month:D2}-{day:D2}"));

        Assert.Equal(Assert.Single(asText), Assert.Single(asDate));
    }

    [Fact]
    public void The_first_and_last_days_a_request_may_name_and_a_leap_day_are_read()
    {
        var violations = new List<FieldViolation>();

        Assert.Equal(EdgeLimits.EarliestDay, Dates.Parse(violations, "on", Day(1900, 1, 1)));
        Assert.Equal(EdgeLimits.LatestDay, Dates.Parse(violations, "on", Day(2199, 12, 31)));
        Assert.Equal(new DateOnly(2028, 2, 29), Dates.Parse(violations, "on", Day(2028, 2, 29)));
        Assert.Empty(violations);
    }

    [Theory]
    [InlineData(2026, 3, 1)]
    [InlineData(2026, 3, 31)]
    [InlineData(2026, 0, 0)]
    [InlineData(2026, 13, 0)]
    [InlineData(1899, 12, 0)]
    [InlineData(2200, 1, 0)]
    public void A_month_is_a_year_and_a_month_with_day_0_within_1900_to_2199(int year, int month, int day)
    {
        var violations = new List<FieldViolation>();

        Assert.Null(Dates.ParseMonth(violations, "month", Day(year, month, day)));

        Assert.Equal("month", Assert.Single(violations).Field);
    }

    [Fact]
    public void A_month_is_read_as_its_first_day_and_is_required()
    {
        var violations = new List<FieldViolation>();

        Assert.Equal(new DateOnly(1900, 1, 1), Dates.ParseMonth(violations, "month", Day(1900, 1, 0)));
        Assert.Equal(new DateOnly(2199, 12, 1), Dates.ParseMonth(violations, "month", Day(2199, 12, 0)));
        Assert.Empty(violations);
        Assert.Null(Dates.ParseMonth(violations, "month", null));
        Assert.Equal(new FieldViolation("month", "必填 / required"), Assert.Single(violations));
    }

    [Fact]
    public async Task P4_2_an_asking_price_asked_for_30_February_is_refused_as_a_day_off_the_calendar()
    {
        var error = await Assert.ThrowsAsync<RequestValidationException>(() =>
            new GetAskingPrice(Store, Clocks.Policy(FakeClock)).ExecuteAsync("R-EAST", "P1", Day(2026, 2, 30)));

        Assert.Equal(new FieldViolation("on", OffTheCalendar), Assert.Single(error.Violations));
    }

    [Fact]
    public async Task P4_1_a_shipment_on_a_day_off_the_calendar_is_refused_on_shipped_on()
    {
        var sale = new SaleInput("ERP-D1", "S1", new CustomerRef(null, Taxpayer, "无锡华光电子有限公司"), "P1", "1.00", "1", Day(2026, 2, 30), "R-EAST", false, null);

        var error = await Assert.ThrowsAsync<RequestValidationException>(() => Recorder.ExecuteAsync(Hq, sale, default));

        Assert.Equal(new FieldViolation("shipped_on", OffTheCalendar), Assert.Single(error.Violations));
    }

    [Fact]
    public async Task The_monthly_report_refuses_a_day_in_its_month_on_the_month_field()
    {
        var report = new GetMonthlyReport(new ReportStore(Redis.Connection, Outbox), Directory, new NoPenalty(), Clocks.Policy(FakeClock));

        var error = await Assert.ThrowsAsync<RequestValidationException>(() => report.ExecuteAsync(Hq, Day(2026, 3, 15), ReportGroup.Branch));

        Assert.Equal("month", Assert.Single(error.Violations).Field);
    }

    /// <summary>The month is refused before Penalty is asked.</summary>
    private sealed class NoPenalty : IViolationFigures
    {
        public Task<ViolationMonth> MonthAsync(DateOnly month, CancellationToken cancellationToken) => throw new InvalidOperationException("Penalty asked for a refused month");
    }
}
