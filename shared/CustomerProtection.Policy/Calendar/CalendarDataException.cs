namespace CustomerProtection.Policy;

/// <summary>A calendar data folder or file that cannot be read as the holiday-cn format.</summary>
public sealed class CalendarDataException : Exception
{
    public CalendarDataException()
    {
    }

    public CalendarDataException(string message)
        : base(message)
    {
    }

    public CalendarDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
