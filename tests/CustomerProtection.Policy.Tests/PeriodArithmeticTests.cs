using CsCheck;
using NodaTime.Text;
using static CustomerProtection.Policy.Tests.Cal;

namespace CustomerProtection.Policy.Tests;

/// <summary>policy.md "Period arithmetic": Civil Code art. 201 and 203, lead times, windows, hours.</summary>
public sealed class PeriodArithmeticTests
{
    private static readonly PeriodArithmetic Periods = new(Shipped);
    private static readonly PeriodArithmetic NoRoll = new(Shipped, rollForward: false);

    private static Instant At(string offsetDateTime) =>
        OffsetDateTimePattern.ExtendedIso.Parse(offsetDateTime).GetValueOrThrow().ToInstant();

    [Fact]
    public void Art201_filing_on_2026_03_10_with_30_days_is_protected_through_04_09()
    {
        var end = Periods.LastProtectedDay(D("2026-03-10"), 30);
        Assert.Equal(D("2026-04-09"), end.LastDay);
        Assert.Equal(At("2026-04-10T00:00:00+08:00"), end.EndsAt);
        Assert.False(end.RolledForward);
        Assert.False(end.Provisional);
    }

    [Fact]
    public void Art201_the_period_ends_at_midnight_shanghai_after_the_last_day()
    {
        var end = Periods.LastProtectedDay(D("2026-03-10"), 30);
        Assert.True(end.IsActiveAt(At("2026-04-09T23:59:59.999+08:00")));
        Assert.False(end.IsActiveAt(At("2026-04-10T00:00:00+08:00")));
        Assert.Equal(At("2026-04-09T16:00:00Z"), end.EndsAt);
    }

    [Theory]
    // start, days, last day, rolled — each nominal day (start + days) checked by hand against the data files
    [InlineData("2026-03-12", 30, "2026-04-13", true)] // 04-11 is a plain Saturday → Monday
    [InlineData("2026-01-16", 30, "2026-02-24", true)] // 02-15 Spring Festival Sunday → after the 02-15..23 block
    [InlineData("2026-01-15", 30, "2026-02-14", false)] // 02-14 is an adjusted working Saturday: no roll
    [InlineData("2026-09-03", 30, "2026-10-08", true)] // 10-03 in the National Day block
    [InlineData("2025-09-01", 30, "2025-10-09", true)] // 2025: National Day and Mid-Autumn 10-01..08
    [InlineData("2025-12-02", 30, "2026-01-04", true)] // 2026-01-01 元旦 → 01-04, an adjusted working Sunday
    [InlineData("2023-12-02", 30, "2024-01-02", true)] // year end: 2024-01-01 元旦
    [InlineData("2018-11-30", 30, "2019-01-02", true)] // 2018-12-30/31 are fixed by the 2019 file
    [InlineData("2018-11-29", 30, "2018-12-29", false)] // 2018-12-29 is worked (2019 file)
    [InlineData("2024-01-30", 30, "2024-02-29", false)] // leap day, a Thursday
    [InlineData("2023-09-01", 180, "2024-02-28", false)] // 180 days across a leap February
    [InlineData("2026-12-01", 30, "2026-12-31", false)]
    public void Art203_a_last_day_on_a_rest_day_rolls_to_the_next_working_day(string start, int days, string lastDay, bool rolled)
    {
        var end = Periods.LastProtectedDay(D(start), days);
        Assert.Equal(D(lastDay), end.LastDay);
        Assert.Equal(rolled, end.RolledForward);
        Assert.Equal(D(start).PlusDays(days), end.NominalLastDay);
        Assert.Equal(PolicyTime.StartOfDay(D(lastDay).PlusDays(1)), end.EndsAt);
        Assert.False(end.Provisional);
    }

    [Fact]
    public void Art203_roll_forward_is_a_parameter_and_off_means_the_plain_count()
    {
        var end = NoRoll.LastProtectedDay(D("2026-01-16"), 30);
        Assert.Equal(D("2026-02-15"), end.LastDay);
        Assert.False(end.RolledForward);
        Assert.False(end.Provisional);
        // Without roll-forward the answer does not depend on the calendar at all.
        Assert.False(NoRoll.LastProtectedDay(D("2026-12-02"), 30).Provisional);
    }

    [Fact]
    public void Art203_a_period_ending_in_a_year_without_data_is_provisional()
    {
        // 2027-01-01 is a Friday; with weekends only it is a working day — but 2027 is not published.
        var end = Periods.LastProtectedDay(D("2026-12-02"), 30);
        Assert.Equal(D("2027-01-01"), end.LastDay);
        Assert.False(end.RolledForward);
        Assert.True(end.Provisional);

        // 2027-01-02 is a Saturday: rolls to Monday 01-04, provisionally.
        var weekend = Periods.LastProtectedDay(D("2026-12-03"), 30);
        Assert.Equal(D("2027-01-04"), weekend.LastDay);
        Assert.True(weekend.RolledForward);
        Assert.True(weekend.Provisional);
    }

    [Fact]
    public void Art203_rolled_last_day_is_the_first_working_day_on_or_after_the_nominal_day()
    {
        Gen.Select(Gen.Int[0, 14 * 365].Select(i => new LocalDate(2013, 1, 1).PlusDays(i)), Gen.Int[0, 400]).Sample((start, days) =>
        {
            var end = Periods.LastProtectedDay(start, days);
            var nominal = start.PlusDays(days);
            Assert.True(Reference.IsWorking(end.LastDay));
            Assert.True(end.LastDay >= nominal);
            for (var d = nominal; d < end.LastDay; d = d.PlusDays(1))
            {
                Assert.False(Reference.IsWorking(d));
            }
        }, iter: 3000);
    }

    [Fact]
    public void Art201_negative_days_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Periods.LastProtectedDay(D("2026-03-10"), -1));
    }

    [Theory]
    [InlineData("2026-06-30", "2026-05-31", true, 30, 0)] // exactly 30 days before: allowed (inclusive)
    [InlineData("2026-06-30", "2026-06-01", false, 29, 1)] // 29 days before: refused
    [InlineData("2026-06-30", "2026-05-01", true, 60, 0)]
    [InlineData("2026-06-30", "2026-07-02", false, -2, 32)] // after expiry
    public void P3_3_at_least_30_days_before_expiry_is_inclusive(string lastDay, string request, bool allowed, int have, int missing)
    {
        var check = Periods.AtLeastDaysBefore(D(lastDay), D(request), 30);
        Assert.Equal(new LeadTimeCheck(allowed, have, 30, missing, D("2026-05-31"), false), check);
    }

    [Fact]
    public void P3_3_at_least_7_working_days_before_counts_around_the_qingming_holiday()
    {
        // L = 2026-04-09 (Thu). Working days back from L: 04-09, 08, 07, (06 清明, 05, 04 off), 03, 02, 01, 03-31.
        var lastDay = D("2026-04-09");
        var onTime = Periods.AtLeastWorkingDaysBefore(lastDay, D("2026-03-30"), 7);
        Assert.Equal(new LeadTimeCheck(true, 7, 7, 0, D("2026-03-30"), false), onTime);

        var late = Periods.AtLeastWorkingDaysBefore(lastDay, D("2026-03-31"), 7);
        Assert.Equal(new LeadTimeCheck(false, 6, 7, 1, D("2026-03-30"), false), late);
    }

    [Fact]
    public void P3_3_latest_request_date_for_working_days_may_be_a_rest_day()
    {
        // L = 2026-03-16 (Mon): 1 working day needed → any day before Monday, the latest being Sunday 03-15.
        var check = Periods.AtLeastWorkingDaysBefore(D("2026-03-16"), D("2026-03-15"), 1);
        Assert.True(check.Allowed);
        Assert.Equal(D("2026-03-15"), check.LatestRequestDate);
        Assert.False(Periods.AtLeastWorkingDaysBefore(D("2026-03-16"), D("2026-03-16"), 1).Allowed);
    }

    [Fact]
    public void P3_3_working_day_lead_time_latest_request_date_is_exactly_the_boundary()
    {
        Gen.Select(Gen.Int[0, 14 * 365].Select(i => new LocalDate(2013, 1, 1).PlusDays(i)), Gen.Int[1, 20]).Sample((lastDay, n) =>
        {
            var latest = Periods.AtLeastWorkingDaysBefore(lastDay, lastDay, n).LatestRequestDate;
            Assert.True(Periods.AtLeastWorkingDaysBefore(lastDay, latest, n).Allowed);
            Assert.False(Periods.AtLeastWorkingDaysBefore(lastDay, latest.PlusDays(1), n).Allowed);
            Assert.Equal(n, Reference.Count(latest, lastDay));
        }, iter: 2000);
    }

    [Fact]
    public void P3_3_working_day_lead_time_across_a_year_without_data_is_provisional()
    {
        var check = Periods.AtLeastWorkingDaysBefore(D("2027-01-08"), D("2026-12-28"), 7);
        Assert.True(check.Provisional);
        Assert.False(Periods.AtLeastWorkingDaysBefore(D("2026-12-31"), D("2026-12-01"), 7).Provisional);
    }

    [Fact]
    public void P4_5_complaint_within_7_working_days_of_discovery_over_national_day()
    {
        // Discovery Mon 2026-09-28: 09-29, 09-30, (10-01..07 off), 10-08, 10-09, 10-10 (adjusted Saturday), 10-12, 10-13.
        var onDeadline = Periods.WithinWorkingDays(D("2026-09-28"), D("2026-10-13"), 7);
        Assert.Equal(new WindowCheck(true, D("2026-10-13"), false), onDeadline);
        Assert.False(Periods.WithinWorkingDays(D("2026-09-28"), D("2026-10-14"), 7).Allowed);
        Assert.True(Periods.WithinWorkingDays(D("2026-09-28"), D("2026-09-28"), 7).Allowed);
    }

    [Fact]
    public void P4_5_complaint_window_reaching_into_a_year_without_data_is_provisional()
    {
        var check = Periods.WithinWorkingDays(D("2026-12-28"), D("2027-01-05"), 7);
        Assert.True(check.Provisional);
        Assert.Equal(D("2027-01-06"), check.Deadline); // 12-29,30,31, 01-01 (weekends only), 04, 05, 06
    }

    [Fact]
    public void P2_2_objection_window_is_3_working_days_after_the_announcement()
    {
        // Announced Friday 2026-02-13: 02-14 (adjusted Saturday), then the festival, 02-24, 02-25.
        var window = Periods.WithinWorkingDays(D("2026-02-13"), D("2026-02-25"), PolicyParameters.Defaults.ObjectionWindowWorkingDays);
        Assert.Equal(new WindowCheck(true, D("2026-02-25"), false), window);
    }

    [Fact]
    public void P10_24_hours_run_from_the_exact_instant_without_roll_forward()
    {
        // Filed 09:30 on the eve of the Spring Festival: due 09:30 next day, a holiday.
        var filed = At("2026-02-14T09:30:15+08:00");
        Assert.Equal(At("2026-02-15T09:30:15+08:00"), Periods.HourDeadline(filed, 24));
        Assert.Equal(At("2026-03-01T01:00:00Z"), Periods.HourDeadline(At("2026-02-28T01:00:00Z"), 24));
    }
}
