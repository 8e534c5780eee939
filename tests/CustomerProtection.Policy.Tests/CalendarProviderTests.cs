using static CustomerProtection.Policy.Tests.Cal;

namespace CustomerProtection.Policy.Tests;

/// <summary>policy.md "Period arithmetic": the calendar can be replaced at run time.</summary>
public sealed class CalendarProviderTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "cp-calendar-" + Guid.NewGuid().ToString("N"));

    public CalendarProviderTests()
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(WorkingDayCalendar.DefaultDirectory))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void WorkingDays_reload_puts_next_years_schedule_in_force()
    {
        var provider = new CalendarProvider(folder);
        var before = provider.Current;
        Assert.False(before.HasDataFor(2027));
        Assert.True(before.IsWorkingDay(D("2027-01-01")));
        WorkingDayCalendar? announced = null;
        provider.Changed += (_, calendar) => announced = calendar;

        File.WriteAllText(Path.Combine(folder, "2027.json"), """
            {"year": 2027, "papers": [], "days": [
              {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
              {"name": "春节", "date": "2027-02-06", "isOffDay": false}
            ]}
            """);
        var after = provider.Reload();

        Assert.Same(after, provider.Current);
        Assert.Same(after, announced);
        Assert.True(after.HasDataFor(2027));
        Assert.False(after.IsWorkingDay(D("2027-01-01")));
        Assert.True(after.IsWorkingDay(D("2027-02-06")));
        // The old calendar is immutable: decisions already holding it are unaffected.
        Assert.True(before.IsWorkingDay(D("2027-01-01")));
        // A period that was provisional is re-evaluated with the calendar in force.
        var end = new PeriodArithmetic(after).LastProtectedDay(D("2026-12-02"), 30);
        Assert.Equal(new ProtectionEnd(D("2027-01-04"), PolicyTime.StartOfDay(D("2027-01-05")), true, false) { NominalLastDay = D("2027-01-01") }, end);
    }

    [Fact]
    public void WorkingDays_a_bad_file_fails_the_reload_and_keeps_the_calendar_in_force()
    {
        var provider = new CalendarProvider(folder);
        var before = provider.Current;
        File.WriteAllText(Path.Combine(folder, "2027.json"), """{"year": 2027, "days": [ {"date": "2027-13-01", "isOffDay": true} ]}""");

        var error = Assert.Throws<CalendarDataException>(provider.Reload);
        Assert.Contains("2027.json", error.Message, StringComparison.Ordinal);
        Assert.Same(before, provider.Current);
    }

    [Fact]
    public void WorkingDays_a_file_whose_year_disagrees_with_its_name_is_refused()
    {
        File.WriteAllText(Path.Combine(folder, "2027.json"), """{"year": 2028, "days": []}""");
        Assert.Throws<CalendarDataException>(() => WorkingDayCalendar.Load(folder));
    }

    [Fact]
    public void WorkingDays_a_missing_or_empty_folder_is_refused()
    {
        Assert.Throws<CalendarDataException>(() => WorkingDayCalendar.Load(Path.Combine(folder, "nope")));
        var empty = Path.Combine(folder, "empty");
        Directory.CreateDirectory(empty);
        Assert.Throws<CalendarDataException>(() => WorkingDayCalendar.Load(empty));
    }

    [Fact]
    public void WorkingDays_the_own_year_file_wins_over_a_neighbours()
    {
        // 2026.json claims 2027-01-01 is a working day; 2027.json says it is a holiday.
        File.WriteAllText(Path.Combine(folder, "2027.json"), """{"year": 2027, "days": [ {"name": "元旦", "date": "2027-01-01", "isOffDay": true} ]}""");
        var text = File.ReadAllText(Path.Combine(folder, "2026.json"))
            .Replace("\"days\": [", "\"days\": [ {\"name\": \"x\", \"date\": \"2027-01-01\", \"isOffDay\": false},", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(folder, "2026.json"), text);

        var calendar = WorkingDayCalendar.Load(folder);
        Assert.False(calendar.IsWorkingDay(D("2027-01-01")));
    }

    [Fact]
    public void WorkingDays_provider_default_folder_is_next_to_the_application()
    {
        var provider = CalendarProvider.Create();
        Assert.Equal(WorkingDayCalendar.DefaultDirectory, provider.Directory);
        Assert.True(provider.Current.HasDataFor(2026));
        Assert.Equal(folder, CalendarProvider.Create(folder).Directory);
    }

    [Fact]
    public async Task WorkingDays_readers_always_see_a_whole_calendar_during_reloads()
    {
        var provider = new CalendarProvider(folder);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Assert.Equal(6, provider.Current.CountWorkingDays(D("2026-02-13"), D("2026-02-28")).Value);
            }
        });
        while (!stop.IsCancellationRequested)
        {
            provider.Reload();
        }

        await reader;
    }
}
