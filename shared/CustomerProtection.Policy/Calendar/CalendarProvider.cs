namespace CustomerProtection.Policy;

/// <summary>
/// Holds the calendar in force and replaces it at run time, when operators drop next year's file
/// into the folder (the State Council publishes it each November). Readers take
/// <see cref="Current"/> once per decision; a reload swaps the whole immutable calendar
/// atomically, so a decision never sees half of an old and half of a new schedule.
/// </summary>
public sealed class CalendarProvider
{
    private WorkingDayCalendar current;

    /// <summary>Loads the calendar from <paramref name="directory"/> now (fails fast on bad data).</summary>
    public CalendarProvider(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = directory;
        current = WorkingDayCalendar.Load(directory);
    }

    /// <summary>A provider over <see cref="WorkingDayCalendar.DefaultDirectory"/>, or over
    /// <paramref name="configuredDirectory"/> when one is configured (<c>Policy:CalendarDirectory</c>);
    /// a relative path is taken relative to <see cref="AppContext.BaseDirectory"/>.</summary>
    public static CalendarProvider Create(string? configuredDirectory = null) =>
        new(string.IsNullOrWhiteSpace(configuredDirectory)
            ? WorkingDayCalendar.DefaultDirectory
            : Path.GetFullPath(configuredDirectory, AppContext.BaseDirectory));

    /// <summary>The folder this provider reads.</summary>
    public string Directory { get; }

    /// <summary>The calendar in force.</summary>
    public WorkingDayCalendar Current => Volatile.Read(ref current);

    /// <summary>Raised after <see cref="Current"/> has been replaced.</summary>
    public event EventHandler<WorkingDayCalendar>? Changed;

    /// <summary>
    /// Reads the folder again and puts the new calendar in force. On bad data this throws
    /// <see cref="CalendarDataException"/> and the calendar in force stays as it was.
    /// </summary>
    public WorkingDayCalendar Reload() => Replace(WorkingDayCalendar.Load(Directory));

    /// <summary>Puts <paramref name="calendar"/> in force.</summary>
    public WorkingDayCalendar Replace(WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        Volatile.Write(ref current, calendar);
        Changed?.Invoke(this, calendar);
        return calendar;
    }
}
