using System.Text.Json;
using NodaTime.Text;

namespace CustomerProtection.Policy.Tests;

/// <summary>Shared fixtures: the shipped calendar and an independent, deliberately naive reference.</summary>
internal static class Cal
{
    /// <summary>The calendar the library copies into this test project's bin (Data/holidays-cn).</summary>
    public static WorkingDayCalendar Shipped { get; } = WorkingDayCalendar.LoadDefault();

    public static ReferenceCalendar Reference { get; } = ReferenceCalendar.Load(WorkingDayCalendar.DefaultDirectory);

    public static LocalDate D(string iso) => LocalDatePattern.Iso.Parse(iso).GetValueOrThrow();
}

/// <summary>
/// A second reading of the same data files, written without the library's code: a dictionary of
/// listed days (the date's own-year file wins), weekends otherwise, and day-by-day stepping.
/// </summary>
internal sealed class ReferenceCalendar
{
    private readonly Dictionary<LocalDate, bool> offByDate;
    private readonly HashSet<int> years;

    private ReferenceCalendar(Dictionary<LocalDate, bool> offByDate, HashSet<int> years)
    {
        this.offByDate = offByDate;
        this.years = years;
    }

    public static ReferenceCalendar Load(string directory)
    {
        var own = new Dictionary<LocalDate, bool>();
        var neighbour = new Dictionary<LocalDate, bool>();
        var years = new HashSet<int>();
        foreach (var path in Directory.GetFiles(directory, "20??.json"))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var year = doc.RootElement.GetProperty("year").GetInt32();
            foreach (var day in doc.RootElement.GetProperty("days").EnumerateArray())
            {
                var date = Cal.D(day.GetProperty("date").GetString()!);
                var off = day.GetProperty("isOffDay").GetBoolean();
                if (date.Year == year)
                {
                    own[date] = off;
                    years.Add(year);
                }
                else
                {
                    neighbour[date] = off;
                }
            }
        }

        foreach (var (date, off) in own)
        {
            neighbour[date] = off;
        }

        return new ReferenceCalendar(neighbour, years);
    }

    public bool HasData(int year) => years.Contains(year);

    public bool IsWorking(LocalDate date) =>
        offByDate.TryGetValue(date, out var off) ? !off : date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday);

    public int Count(LocalDate exclusiveStart, LocalDate inclusiveEnd)
    {
        if (inclusiveEnd < exclusiveStart)
        {
            return -Count(inclusiveEnd, exclusiveStart);
        }

        var n = 0;
        for (var d = exclusiveStart.PlusDays(1); d <= inclusiveEnd; d = d.PlusDays(1))
        {
            n += IsWorking(d) ? 1 : 0;
        }

        return n;
    }

    public LocalDate Add(LocalDate from, int n)
    {
        var d = from;
        var step = Math.Sign(n);
        for (var left = Math.Abs(n); left > 0;)
        {
            d = d.PlusDays(step);
            if (IsWorking(d))
            {
                left--;
            }
        }

        return d;
    }
}
