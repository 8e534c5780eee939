using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace CustomerProtection.Policy;

/// <summary>
/// The working-day calendar of mainland China (policy.md, "Period arithmetic"): Monday to Friday
/// are working days, Saturday and Sunday are not, except where the State Council's schedule for the
/// year says otherwise (a statutory holiday on a weekday is off; an adjusted working day 调休上班日,
/// usually a Saturday or Sunday, is a working day). The schedule is data (one holiday-cn JSON file
/// per year), never code. A date in a year whose file is missing or empty is computed with
/// weekends only and every answer that depends on it is marked provisional.
/// </summary>
/// <remarks>
/// Immutable and thread-safe. Counting is O(log h) (h = number of listed days) and adding working
/// days O(log n · log h): the calendar keeps the sorted list of days whose status differs from the
/// weekend rule and a prefix sum over it, and counts weekdays in closed form.
/// </remarks>
public sealed class WorkingDayCalendar
{
    /// <summary>The folder, relative to the application's base directory, that
    /// <see cref="LoadDefault"/> reads: the library copies its data there in every consumer's bin.</summary>
    public const string DefaultRelativeDirectory = "Data/holidays-cn";

    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    // Day numbers (DateOnly.DayNumber: days since 0001-01-01, a Monday) of the listed days whose
    // status differs from the plain weekend rule, ascending, with the running sum of their effect on
    // the working-day count (+1 for a weekend day that is worked, -1 for a weekday that is off).
    private readonly int[] flipDays;
    private readonly int[] flipPrefix;
    private readonly FrozenSet<int> flipSet;
    private readonly FrozenSet<int> yearsWithData;

    private WorkingDayCalendar(IEnumerable<CalendarDay> days, IEnumerable<int> yearsWithData, string source)
    {
        var flips = new SortedDictionary<int, int>();
        foreach (var day in days)
        {
            var dayNumber = DayNumber(day.Date);
            var weekday = IsWeekday(dayNumber);
            var working = !day.IsOffDay;
            if (working != weekday)
            {
                flips[dayNumber] = working ? 1 : -1;
            }
            else
            {
                flips.Remove(dayNumber);
            }
        }

        flipDays = [.. flips.Keys];
        flipPrefix = new int[flipDays.Length + 1];
        var i = 0;
        foreach (var delta in flips.Values)
        {
            flipPrefix[i + 1] = flipPrefix[i] + delta;
            i++;
        }

        flipSet = flipDays.ToFrozenSet();
        this.yearsWithData = yearsWithData.ToFrozenSet();
        YearsWithData = [.. this.yearsWithData.Order()];
        Source = source;
    }

    /// <summary>A calendar with no data at all: weekends only, every answer provisional.</summary>
    public static WorkingDayCalendar WeekendsOnly { get; } = new([], [], "weekends-only");

    /// <summary>The years whose schedule is known (their file lists at least one day of that year).</summary>
    public IReadOnlyList<int> YearsWithData { get; }

    /// <summary>Where the data came from (a folder path, or a description), for logs and audits.</summary>
    public string Source { get; }

    /// <summary><c>Data/holidays-cn</c> under <see cref="AppContext.BaseDirectory"/>.</summary>
    public static string DefaultDirectory =>
        Path.Combine(AppContext.BaseDirectory, "Data", "holidays-cn");

    /// <summary>
    /// Builds a calendar from explicit entries (tests, or data from elsewhere). When two entries
    /// name the same date, the later one wins.
    /// </summary>
    public static WorkingDayCalendar FromDays(IEnumerable<CalendarDay> days, IEnumerable<int> yearsWithData, string source = "in-memory")
    {
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(yearsWithData);
        return new WorkingDayCalendar(days, yearsWithData, source);
    }

    /// <summary>Loads the data copied next to the application (<see cref="DefaultDirectory"/>),
    /// falling back to the folder next to this assembly when the two differ.</summary>
    public static WorkingDayCalendar LoadDefault()
    {
        var baseDirectory = DefaultDirectory;
        if (Directory.Exists(baseDirectory))
        {
            return Load(baseDirectory);
        }

        var assemblyFolder = Path.GetDirectoryName(typeof(WorkingDayCalendar).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyFolder))
        {
            var besideAssembly = Path.Combine(assemblyFolder, "Data", "holidays-cn");
            if (Directory.Exists(besideAssembly))
            {
                return Load(besideAssembly);
            }
        }

        throw new CalendarDataException(
            $"日历数据目录不存在 / The calendar data folder does not exist: {baseDirectory}");
    }

    /// <summary>
    /// Loads every <c>yyyy.json</c> file of a folder (other files, such as schema.json, are ignored).
    /// A year's file may list days of the neighbouring year (the 2019 notice fixes 2018-12-29..31);
    /// where two files disagree about a date, the file of the date's own year wins. A year has data
    /// iff its own file lists at least one day of that year, so an empty file (2027 before the
    /// November notice) leaves the year provisional even if the previous year's file lists its
    /// 1 January.
    /// </summary>
    /// <exception cref="CalendarDataException">The folder is missing, holds no year file, or a file
    /// is malformed.</exception>
    public static WorkingDayCalendar Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new CalendarDataException(
                $"日历数据目录不存在 / The calendar data folder does not exist: {directory}");
        }

        var files = Directory.EnumerateFiles(directory, "*.json")
            .Select(path => (Path: path, Year: YearOfFileName(path)))
            .Where(f => f.Year is not null)
            .OrderBy(f => f.Year)
            .ToList();
        if (files.Count == 0)
        {
            throw new CalendarDataException(
                $"日历数据目录中没有年度文件 / No yyyy.json calendar file in {directory}");
        }

        var fromOwnYear = new List<CalendarDay>();
        var fromNeighbour = new List<CalendarDay>();
        var yearsWithData = new HashSet<int>();
        foreach (var (path, fileYear) in files)
        {
            foreach (var day in ReadFile(path, fileYear!.Value))
            {
                if (day.Date.Year == fileYear)
                {
                    fromOwnYear.Add(day);
                    yearsWithData.Add(fileYear.Value);
                }
                else
                {
                    fromNeighbour.Add(day);
                }
            }
        }

        // Neighbour-year entries first so that the date's own year overrides them.
        return new WorkingDayCalendar(fromNeighbour.Concat(fromOwnYear), yearsWithData, Path.GetFullPath(directory));
    }

    /// <summary>True iff the schedule for <paramref name="year"/> is known.</summary>
    public bool HasDataFor(int year) => yearsWithData.Contains(year);

    /// <summary>True iff the answer for this date would be a weekends-only guess.</summary>
    public bool IsProvisional(LocalDate date) => !HasDataFor(date.Year);

    /// <summary>A working day (工作日): a weekday that is not a statutory holiday, or an adjusted
    /// working day (调休上班日).</summary>
    public bool IsWorkingDay(LocalDate date)
    {
        var dayNumber = DayNumber(date);
        return IsWeekday(dayNumber) ^ flipSet.Contains(dayNumber);
    }

    /// <summary>
    /// The number of working days in (<paramref name="exclusiveStart"/>, <paramref name="inclusiveEnd"/>]:
    /// the start day is not counted (Civil Code art. 201). Antisymmetric: when the end lies before
    /// the start the answer is minus the count of (end, start], so that
    /// <c>Count(a, b) + Count(b, c) == Count(a, c)</c> always.
    /// </summary>
    public CalendarResult<int> CountWorkingDays(LocalDate exclusiveStart, LocalDate inclusiveEnd)
    {
        var count = Cumulative(DayNumber(inclusiveEnd)) - Cumulative(DayNumber(exclusiveStart));
        var provisional = exclusiveStart <= inclusiveEnd
            ? AnyYearWithoutData(exclusiveStart.PlusDays(1), inclusiveEnd)
            : AnyYearWithoutData(inclusiveEnd.PlusDays(1), exclusiveStart);
        return new CalendarResult<int>(count, provisional);
    }

    /// <summary>
    /// The <paramref name="n"/>-th working day after <paramref name="from"/> (the start day is not
    /// counted, art. 201), so the result of a positive n is always a working day and
    /// <c>CountWorkingDays(from, AddWorkingDays(from, n)) == n</c>. A negative n gives the |n|-th
    /// working day before <paramref name="from"/>; zero gives <paramref name="from"/> itself.
    /// </summary>
    public CalendarResult<LocalDate> AddWorkingDays(LocalDate from, int n)
    {
        if (n == 0)
        {
            return new CalendarResult<LocalDate>(from, false);
        }

        var start = DayNumber(from);
        int found;
        if (n > 0)
        {
            // Smallest day d > start with C(d) >= C(start) + n; C grows by at most one a day.
            var target = Cumulative(start) + n;
            var lo = start + n - 1; // C(lo) < target: fewer than n days have passed
            var step = n + 16;
            var hi = lo + step;
            while (Cumulative(hi) < target)
            {
                lo = hi;
                step *= 2;
                hi = lo + step;
            }

            found = SmallestReaching(lo, hi, target);
        }
        else
        {
            // The |n|-th working day strictly before start is the smallest d with
            // C(d) >= C(start - 1) - |n| + 1 (the first day the running count reaches that value).
            var target = Cumulative(start - 1) + n + 1;
            var step = -n + 16;
            var lo = start - 1 - step;
            while (Cumulative(lo) >= target)
            {
                step *= 2;
                lo = start - 1 - step;
            }

            found = SmallestReaching(lo, start - 1, target);
        }

        var result = LocalDate.FromDateOnly(DateOnly.FromDayNumber(found));
        var provisional = n > 0
            ? AnyYearWithoutData(from.PlusDays(1), result)
            : AnyYearWithoutData(result, from.PlusDays(-1));
        return new CalendarResult<LocalDate>(result, provisional);
    }

    /// <summary>
    /// The first working day on or after <paramref name="date"/>: Civil Code art. 203 moves a last
    /// day that falls on a rest day to the next working day.
    /// </summary>
    public CalendarResult<LocalDate> NextWorkingDayOnOrAfter(LocalDate date)
    {
        var day = date;
        while (!IsWorkingDay(day))
        {
            day = day.PlusDays(1);
        }

        return new CalendarResult<LocalDate>(day, AnyYearWithoutData(date, day));
    }

    /// <summary>True iff some date in [first, last] lies in a year without data (false for an empty range).</summary>
    public bool AnyYearWithoutData(LocalDate first, LocalDate last)
    {
        if (first > last)
        {
            return false;
        }

        for (var year = first.Year; year <= last.Year; year++)
        {
            if (!yearsWithData.Contains(year))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() =>
        YearsWithData.Count == 0
            ? $"WorkingDayCalendar({Source}, no data)"
            : $"WorkingDayCalendar({Source}, {YearsWithData[0]}–{YearsWithData[^1]}, {YearsWithData.Count} years)";

    // Smallest d in (lo, hi] with Cumulative(d) >= target, given Cumulative(lo) < target <= Cumulative(hi).
    private int SmallestReaching(int lo, int hi, int target)
    {
        while (hi - lo > 1)
        {
            var mid = lo + ((hi - lo) / 2);
            if (Cumulative(mid) >= target)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        return hi;
    }

    // C(d): working days in [0001-01-01, d] up to a constant; only differences are meaningful.
    private int Cumulative(int dayNumber)
    {
        // Weekdays in [0, d]: day 0 is a Monday, so every full week has five.
        var weekdays = (dayNumber / 7 * 5) + Math.Min((dayNumber % 7) + 1, 5);
        var index = Array.BinarySearch(flipDays, dayNumber);
        var flipsUpTo = index >= 0 ? index + 1 : ~index;
        return weekdays + flipPrefix[flipsUpTo];
    }

    private static int DayNumber(LocalDate date) => date.ToDateOnly().DayNumber;

    private static bool IsWeekday(int dayNumber) => dayNumber % 7 < 5;

    private static int? YearOfFileName(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        return name.Length == 4 && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            ? year
            : null;
    }

    private static List<CalendarDay> ReadFile(string path, int fileYear)
    {
        var fileName = Path.GetFileName(path);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path), JsonOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CalendarDataException($"{fileName}: 应为 JSON 对象 / expected a JSON object");
            }

            if (root.TryGetProperty("year", out var yearElement) && yearElement.GetInt32() != fileYear)
            {
                throw new CalendarDataException(
                    $"{fileName}: year {yearElement.GetInt32()} 与文件名不符 / does not match the file name");
            }

            var days = new List<CalendarDay>();
            if (!root.TryGetProperty("days", out var daysElement) || daysElement.ValueKind == JsonValueKind.Null)
            {
                return days;
            }

            foreach (var entry in daysElement.EnumerateArray())
            {
                var dateText = entry.GetProperty("date").GetString() ?? string.Empty;
                var parsed = LocalDatePattern.Iso.Parse(dateText);
                if (!parsed.Success)
                {
                    throw new CalendarDataException($"{fileName}: 日期无效 / invalid date '{dateText}'");
                }

                var name = entry.TryGetProperty("name", out var nameElement) ? nameElement.GetString() ?? string.Empty : string.Empty;
                days.Add(new CalendarDay(parsed.Value, entry.GetProperty("isOffDay").GetBoolean(), name));
            }

            return days;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or IOException)
        {
            throw new CalendarDataException($"{fileName}: 无法读取日历数据 / cannot read calendar data: {e.Message}", e);
        }
    }
}
