using CsCheck;
using static CustomerProtection.Policy.Tests.Cal;

namespace CustomerProtection.Policy.Tests;

/// <summary>policy.md "Period arithmetic": working days (工作日) from the holiday-cn data.</summary>
public sealed class WorkingDayCalendarTests
{
    private static readonly WorkingDayCalendar Calendar = Shipped;

    // Generators over the years the data covers, plus a margin on both sides without data.
    private static readonly Gen<LocalDate> AnyDate = Gen.Int[0, (17 * 366) - 1].Select(i => new LocalDate(2012, 1, 1).PlusDays(i));

    [Fact]
    public void Calendar_data_is_copied_next_to_consumers_with_its_licence()
    {
        var folder = WorkingDayCalendar.DefaultDirectory;
        Assert.True(File.Exists(Path.Combine(folder, "2026.json")));
        Assert.True(File.Exists(Path.Combine(folder, "LICENSE")));
        Assert.Equal(Enumerable.Range(2013, 14), Calendar.YearsWithData); // 2027.json is still empty
    }

    [Theory]
    [InlineData("2026-03-10", true)] // an ordinary Tuesday
    [InlineData("2026-03-14", false)] // an ordinary Saturday
    [InlineData("2026-03-15", false)] // an ordinary Sunday
    [InlineData("2026-01-01", false)] // 元旦, Thursday
    [InlineData("2026-01-04", true)] // 元旦 adjusted working Sunday
    [InlineData("2026-02-14", true)] // 春节 adjusted working Saturday
    [InlineData("2026-02-16", false)] // 春节 Monday
    [InlineData("2026-02-23", false)] // 春节 last day, Monday
    [InlineData("2026-02-24", true)]
    [InlineData("2026-02-28", true)] // 春节 adjusted working Saturday
    [InlineData("2026-09-20", true)] // 国庆 adjusted working Sunday
    [InlineData("2026-10-01", false)]
    [InlineData("2026-10-07", false)]
    [InlineData("2026-10-08", true)]
    [InlineData("2026-10-10", true)] // 国庆 adjusted working Saturday
    [InlineData("2024-02-29", true)] // leap day, Thursday
    [InlineData("2013-12-02", true)] // P-14: the policy's first day, Monday
    public void WorkingDays_follow_weekends_holidays_and_adjusted_working_days(string date, bool working)
    {
        Assert.Equal(working, Calendar.IsWorkingDay(D(date)));
    }

    [Fact]
    public void WorkingDays_a_year_file_may_fix_days_of_the_previous_year()
    {
        // The 2019 notice (2019.json) makes 2018-12-29 (Saturday) a working day and 12-30/31 holidays.
        Assert.True(Calendar.IsWorkingDay(D("2018-12-29")));
        Assert.False(Calendar.IsWorkingDay(D("2018-12-30")));
        Assert.False(Calendar.IsWorkingDay(D("2018-12-31"))); // a Monday
        Assert.True(Calendar.IsWorkingDay(D("2019-01-02")));
        // 2023.json lists 2022-12-31 (a Saturday, off anyway).
        Assert.False(Calendar.IsWorkingDay(D("2022-12-31")));
    }

    [Fact]
    public void WorkingDays_a_year_without_data_is_weekends_only_and_provisional()
    {
        Assert.False(Calendar.HasDataFor(2027)); // 2027.json has no days yet
        Assert.False(Calendar.HasDataFor(2012)); // no file at all
        Assert.True(Calendar.HasDataFor(2026));
        Assert.True(Calendar.IsWorkingDay(D("2027-01-01"))); // a Friday: weekends only
        Assert.True(Calendar.IsProvisional(D("2027-01-01")));
        Assert.False(Calendar.IsProvisional(D("2026-12-31")));
    }

    [Fact]
    public void WorkingDays_count_over_the_spring_festival_block_2026()
    {
        // (02-13, 02-28]: 02-14 (adjusted Saturday), 02-24..27, 02-28 (adjusted Saturday).
        Assert.Equal(new CalendarResult<int>(6, false), Calendar.CountWorkingDays(D("2026-02-13"), D("2026-02-28")));
    }

    [Theory]
    [InlineData("2023-12-31", "2024-12-31", 251)] // 2024, a leap year
    [InlineData("2024-12-31", "2025-12-31", 248)]
    [InlineData("2025-12-31", "2026-12-31", 248)]
    public void WorkingDays_count_of_whole_years(string from, string to, int expected)
    {
        Assert.Equal(expected, Calendar.CountWorkingDays(D(from), D(to)).Value);
    }

    [Fact]
    public void WorkingDays_count_excludes_the_start_and_includes_the_end()
    {
        Assert.Equal(0, Calendar.CountWorkingDays(D("2026-03-10"), D("2026-03-10")).Value);
        Assert.Equal(1, Calendar.CountWorkingDays(D("2026-03-09"), D("2026-03-10")).Value);
        Assert.Equal(-1, Calendar.CountWorkingDays(D("2026-03-10"), D("2026-03-09")).Value);
    }

    [Fact]
    public void WorkingDays_count_into_a_year_without_data_is_provisional()
    {
        var result = Calendar.CountWorkingDays(D("2026-12-30"), D("2027-01-05"));
        Assert.True(result.Provisional);
        Assert.Equal(4, result.Value); // 12-31 (Thu), 01-01 (Fri: weekends only), 01-04, 01-05
    }

    [Fact]
    public void WorkingDays_add_skips_the_national_day_block()
    {
        Assert.Equal(new CalendarResult<LocalDate>(D("2026-10-08"), false), Calendar.AddWorkingDays(D("2026-09-30"), 1));
        // Back again: the working day before 10-08 is 09-30.
        Assert.Equal(D("2026-09-30"), Calendar.AddWorkingDays(D("2026-10-08"), -1).Value);
    }

    [Fact]
    public void WorkingDays_add_counts_an_adjusted_working_saturday()
    {
        // 2026-10-09 (Fri) → 10-10 is an adjusted working Saturday.
        Assert.Equal(D("2026-10-10"), Calendar.AddWorkingDays(D("2026-10-09"), 1).Value);
    }

    [Fact]
    public void WorkingDays_add_zero_is_the_start_even_on_a_rest_day()
    {
        Assert.Equal(new CalendarResult<LocalDate>(D("2026-10-01"), false), Calendar.AddWorkingDays(D("2026-10-01"), 0));
    }

    [Fact]
    public void WorkingDays_add_into_a_year_without_data_is_provisional()
    {
        var result = Calendar.AddWorkingDays(D("2026-12-31"), 1);
        Assert.Equal(D("2027-01-01"), result.Value);
        Assert.True(result.Provisional);
        Assert.False(Calendar.AddWorkingDays(D("2026-12-30"), 1).Provisional);
    }

    [Fact]
    public void WorkingDays_match_the_reference_on_every_day_2012_to_2028()
    {
        for (var d = D("2012-01-01"); d <= D("2028-12-31"); d = d.PlusDays(1))
        {
            Assert.True(Reference.IsWorking(d) == Calendar.IsWorkingDay(d), $"{d}");
        }
    }

    [Fact]
    public void WorkingDays_count_matches_the_reference()
    {
        Gen.Select(AnyDate, Gen.Int[-400, 400]).Sample((from, span) =>
        {
            var to = from.PlusDays(span);
            var result = Calendar.CountWorkingDays(from, to);
            Assert.Equal(Reference.Count(from, to), result.Value);
            var (first, last) = span >= 0 ? (from.PlusDays(1), to) : (to.PlusDays(1), from);
            var expectProvisional = span != 0 && Enumerable.Range(first.Year, last.Year - first.Year + 1).Any(y => !Reference.HasData(y));
            Assert.Equal(expectProvisional, result.Provisional);
        }, iter: 3000);
    }

    [Fact]
    public void WorkingDays_add_matches_the_reference_both_ways()
    {
        Gen.Select(AnyDate, Gen.Int[-300, 300]).Sample((from, n) =>
            Assert.Equal(Reference.Add(from, n), Calendar.AddWorkingDays(from, n).Value), iter: 3000);
    }

    [Fact]
    public void WorkingDays_adding_then_counting_round_trips()
    {
        Gen.Select(AnyDate, Gen.Int[0, 500]).Sample((from, n) =>
        {
            var to = Calendar.AddWorkingDays(from, n).Value;
            Assert.Equal(n, Calendar.CountWorkingDays(from, to).Value);
            if (n > 0)
            {
                Assert.True(Calendar.IsWorkingDay(to));
                // and nothing earlier would do
                Assert.Equal(n - 1, Calendar.CountWorkingDays(from, to.PlusDays(-1)).Value);
            }
        }, iter: 3000);
    }

    [Fact]
    public void WorkingDays_count_is_additive()
    {
        Gen.Select(AnyDate, Gen.Int[-200, 200], Gen.Int[-200, 200]).Sample((a, x, y) =>
        {
            var b = a.PlusDays(x);
            var c = b.PlusDays(y);
            Assert.Equal(
                Calendar.CountWorkingDays(a, c).Value,
                Calendar.CountWorkingDays(a, b).Value + Calendar.CountWorkingDays(b, c).Value);
        }, iter: 2000);
    }

    [Fact]
    public void WorkingDays_weekends_only_calendar_is_always_provisional()
    {
        var weekendsOnly = WorkingDayCalendar.WeekendsOnly;
        Assert.True(weekendsOnly.IsWorkingDay(D("2026-10-01")));
        Assert.Equal(new CalendarResult<int>(5, true), weekendsOnly.CountWorkingDays(D("2026-03-08"), D("2026-03-15")));
    }

    [Fact]
    public void WorkingDays_in_memory_calendar_from_days()
    {
        var calendar = WorkingDayCalendar.FromDays(
            [new CalendarDay(D("2030-01-01"), true, "元旦"), new CalendarDay(D("2030-01-05"), false, "元旦")],
            [2030]);
        Assert.False(calendar.IsWorkingDay(D("2030-01-01")));
        Assert.True(calendar.IsWorkingDay(D("2030-01-05")));
        Assert.Equal(new CalendarResult<int>(4, false), calendar.CountWorkingDays(D("2029-12-31"), D("2030-01-05")));
    }
}
