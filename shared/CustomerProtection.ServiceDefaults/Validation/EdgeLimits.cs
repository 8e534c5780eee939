using System.Globalization;
using CustomerProtection.Policy.Errors;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace CustomerProtection.ServiceDefaults.Validation;

/// <summary>
/// The one set of limits every request of every service is held to before any handler runs
/// (<see cref="EdgeLimitInterceptor"/>). A field is judged by its kind and its name — no RPC lists its fields —
/// so a new RPC is covered the day it is added. The use cases keep their own, tighter checks (a reason of at most
/// 500 characters, 20 findings, an id that must exist); these limits are what no request may exceed anywhere:
/// <list type="table">
/// <item><term>id</term><description><c>id</c>, <c>…_id</c>, each of <c>…_ids</c>: at most <see cref="MaxIdLength"/> characters.</description></item>
/// <item><term>name</term><description><see cref="NameFields"/>: at most <see cref="MaxNameLength"/>.</description></item>
/// <item><term>day</term><description><see cref="DayFields"/>, <c>…_on</c>, <c>…_date</c>: a yyyy-MM-dd from <see cref="EarliestDay"/> to <see cref="LatestDay"/> (the format is the use case's).</description></item>
/// <item><term>instant</term><description><c>…_at</c>: an ISO instant within those days, UTC (the format is the use case's).</description></item>
/// <item><term>free text</term><description>every other string: at most <see cref="MaxTextLength"/>.</description></item>
/// <item><term>file</term><description>bytes: at most <see cref="MaxFileBytes"/> in one message.</description></item>
/// <item><term>list</term><description>a repeated or map field: at most <see cref="MaxListCount"/> items.</description></item>
/// <item><term>Timestamp</term><description>google.protobuf.Timestamp: a valid one from the first of those days to the end of the last (UTC).</description></item>
/// <item><term>duration</term><description>google.protobuf.Duration: a valid one of at most <see cref="MaxDuration"/> either way (the clock's range).</description></item>
/// </list>
/// </summary>
public static class EdgeLimits
{
    public const int MaxIdLength = 64;

    /// <summary>Names and titles: the longest any use case allows (an invoice title, 200).</summary>
    public const int MaxNameLength = 200;

    /// <summary>Reasons, evidence, notes: the longest any use case allows (a violation report, 4,000).</summary>
    public const int MaxTextLength = 4000;

    /// <summary>One import message's content (the organisation document, 32 MiB); the imports check their totals.</summary>
    public const int MaxFileBytes = 32 * 1024 * 1024;

    /// <summary>Items of one repeated field: the most any use case takes (employees counted at once, 1,000).</summary>
    public const int MaxListCount = 1000;

    /// <summary>
    /// The days a request may name: the business has none before 1900 and none after 2199, and every instant of
    /// these days (a period's start, the day after its end, in Asia/Shanghai) is one .NET and Redis scores hold.
    /// </summary>
    public static readonly DateOnly EarliestDay = new(1900, 1, 1);

    public static readonly DateOnly LatestDay = new(2199, 12, 31);

    /// <summary>The longest step the controllable clock takes (Clock/Advance), and so the longest duration a request names.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(3660);

    public static readonly IReadOnlySet<string> NameFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "name", "title", "invoice_title", "owner_name", "agent_name",
    };

    public static readonly IReadOnlySet<string> DayFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "on", "date", "from", "to", "valid_from", "valid_until", "effective_from",
    };

    private static readonly long MaxDurationSeconds = (long)MaxDuration.TotalSeconds;
    private static readonly long EarliestSecond = new DateTimeOffset(EarliestDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
    private static readonly long EndSecond = new DateTimeOffset(LatestDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
    private const int NanosPerSecond = 1_000_000_000;

    /// <summary>Every field of <paramref name="message"/> (and of the messages in it) beyond a limit, named by its path.</summary>
    public static List<FieldViolation> Check(IMessage message)
    {
        var violations = new List<FieldViolation>();
        CheckMessage(message, "", violations);
        return violations;
    }

    /// <summary>A Duration as protobuf spells it — seconds and nanoseconds of one sign, nanoseconds below a second — within ±<see cref="MaxDuration"/>.</summary>
    public static bool IsWithinRange(Duration duration) =>
        duration.Nanos is > -NanosPerSecond and < NanosPerSecond
        && (duration.Seconds == 0 || duration.Nanos == 0 || (duration.Seconds > 0) == (duration.Nanos > 0))
        && duration.Seconds >= -MaxDurationSeconds && duration.Seconds <= MaxDurationSeconds
        && (Math.Abs(duration.Seconds) < MaxDurationSeconds || duration.Nanos == 0);

    public static bool IsWithinRange(Timestamp timestamp) =>
        timestamp.Nanos is >= 0 and < NanosPerSecond && timestamp.Seconds >= EarliestSecond && timestamp.Seconds < EndSecond;

    /// <summary>
    /// False for a day as yyyy-MM-dd before <see cref="EarliestDay"/> or after <see cref="LatestDay"/>. Its format is the
    /// use case's to check (every one does, through Dates.Parse), so a malformed day is refused together with the
    /// request's other malformed fields rather than alone.
    /// </summary>
    public static bool IsDayWithinRange(string text) =>
        !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
        || (day >= EarliestDay && day <= LatestDay);

    private static void CheckMessage(IMessage message, string prefix, List<FieldViolation> violations)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var path = prefix + field.Name;
            var value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                var map = (System.Collections.IDictionary)value;
                CheckCount(map.Count, path, violations);
                foreach (System.Collections.DictionaryEntry entry in map)
                {
                    CheckText(entry.Key as string, $"{path}[{Echo.Prefix(entry.Key?.ToString())}]", MaxTextLength, violations);
                    CheckValue(field, entry.Value, $"{path}[{Echo.Prefix(entry.Key?.ToString())}]", violations);
                }
            }
            else if (field.IsRepeated)
            {
                var list = (System.Collections.IList)value;
                CheckCount(list.Count, path, violations);
                for (var i = 0; i < list.Count && i < MaxListCount; i++)
                {
                    CheckValue(field, list[i], $"{path}[{i}]", violations);
                }
            }
            else
            {
                CheckValue(field, value, path, violations);
            }
        }
    }

    private static void CheckValue(FieldDescriptor field, object? value, string path, List<FieldViolation> violations)
    {
        var valueField = field.IsMap ? field.MessageType.FindFieldByNumber(2) : field;
        switch (value)
        {
            case string text:
                CheckString(valueField, text, path, violations);
                break;
            case ByteString bytes when bytes.Length > MaxFileBytes:
                violations.Add(new(path, $"最多 {MaxFileBytes} 字节 / at most {MaxFileBytes} bytes"));
                break;
            case Timestamp timestamp when !IsWithinRange(timestamp):
                violations.Add(new(path, $"须为 {Iso(EarliestDay)} 至 {Iso(LatestDay)} 之间的有效时刻 / a valid instant from {Iso(EarliestDay)} to {Iso(LatestDay)}"));
                break;
            case Duration duration when !IsWithinRange(duration):
                violations.Add(new(path, $"须为有效时长，不超过 {MaxDuration.TotalDays} 天 / a valid duration of at most {MaxDuration.TotalDays} days either way"));
                break;
            case IMessage nested when nested is not Timestamp and not Duration:
                CheckMessage(nested, path + ".", violations);
                break;
        }
    }

    private static void CheckString(FieldDescriptor field, string text, string path, List<FieldViolation> violations)
    {
        var name = field.Name;
        if (name == "id" || name.EndsWith("_id", StringComparison.Ordinal) || name.EndsWith("_ids", StringComparison.Ordinal))
        {
            CheckText(text, path, MaxIdLength, violations);
        }
        else if (NameFields.Contains(name))
        {
            CheckText(text, path, MaxNameLength, violations);
        }
        else if (text.Length > MaxTextLength)
        {
            CheckText(text, path, MaxTextLength, violations);
        }
        else if (IsInstantField(field))
        {
            if (!IsInstantWithinRange(text))
            {
                violations.Add(new(path, $"须在 {Iso(EarliestDay)} 至 {Iso(LatestDay)} 之间 / an instant from {Iso(EarliestDay)} to {Iso(LatestDay)}"));
            }
        }
        else if (IsDayField(field) && !IsDayWithinRange(text))
        {
            violations.Add(new(path, $"日期须在 {Iso(EarliestDay)} 至 {Iso(LatestDay)} 之间 / a date from {Iso(EarliestDay)} to {Iso(LatestDay)}"));
        }
    }

    private static bool IsDayField(FieldDescriptor field) =>
        DayFields.Contains(field.Name) || field.Name.EndsWith("_on", StringComparison.Ordinal) || field.Name.EndsWith("_date", StringComparison.Ordinal);

    private static bool IsInstantField(FieldDescriptor field) => field.Name.EndsWith("_at", StringComparison.Ordinal);

    /// <summary>False for an instant as the use cases parse it (ISO 8601, UTC when no offset is given) outside the days above; its format is the use case's to check.</summary>
    public static bool IsInstantWithinRange(string text) =>
        !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
        || (instant.UtcDateTime >= EarliestDay.ToDateTime(TimeOnly.MinValue) && instant.UtcDateTime < LatestDay.AddDays(1).ToDateTime(TimeOnly.MinValue));

    private static void CheckText(string? text, string path, int max, List<FieldViolation> violations)
    {
        if (text?.Length > max)
        {
            violations.Add(new(path, $"最长 {max} 字 / at most {max} characters"));
        }
    }

    private static void CheckCount(int count, string path, List<FieldViolation> violations)
    {
        if (count > MaxListCount)
        {
            violations.Add(new(path, $"最多 {MaxListCount} 项 / at most {MaxListCount} items"));
        }
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
