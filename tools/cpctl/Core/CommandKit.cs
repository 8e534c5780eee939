using System.CommandLine;
using CustomerProtection.Protos;
using System.Globalization;
using Grpc.Core;
using NodaTime;

namespace CustomerProtection.Cli.Core;

/// <summary>
/// How commands are declared: a name, a description in Chinese and English, its options and arguments, and what
/// it does with a connected <see cref="Session"/>. Running, error mapping and exit codes happen here, once.
/// </summary>
public sealed class CommandKit(CliEnvironment environment, GlobalOptions globals)
{
    public CliEnvironment Environment { get; } = environment;
    public GlobalOptions Globals { get; } = globals;

    public Command Command(string name, string description, Func<Session, ParseResult, CancellationToken, Task> run, params Symbol[] symbols)
    {
        var command = new Command(name, description);
        Add(command, symbols);
        command.SetAction((parse, ct) => RunAsync(parse, run, ct));
        return command;
    }

    public static Command Group(string name, string description, params Command[] commands)
    {
        var group = new Command(name, description);
        foreach (var command in commands)
        {
            group.Subcommands.Add(command);
        }

        return group;
    }

    public static void Add(Command command, IEnumerable<Symbol> symbols)
    {
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Option option:
                    command.Options.Add(option);
                    break;
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                default:
                    throw new ArgumentException($"unexpected symbol {symbol.Name}", nameof(symbols));
            }
        }
    }

    /// <summary>Connects, runs, and turns every failure into its message and exit code.</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<Session, ParseResult, CancellationToken, Task> run, CancellationToken ct)
    {
        var json = parse.GetValue(Globals.Json);
        Session? session = null;
        try
        {
            session = new Session(Environment, parse, Globals);
            await session.ConnectAsync(ct);
            await run(session, parse, ct);
            return ExitCodes.Ok;
        }
        catch (RpcException ex)
        {
            var hint = ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
                ? "系统是否在运行？/ is the system running? " + session?.DescribeAddresses()
                : null;
            return ErrorReport.Write(ex, Environment.Error, json, hint);
        }
        catch (CliException ex)
        {
            return ErrorReport.Write(ex, Environment.Error, json);
        }
        finally
        {
            session?.Dispose();
        }
    }

    // Option and argument shapes used by every group; descriptions are "中文 / English".

    public static Option<string> Required(string name, string description) => new(name) { Description = description, Required = true };

    public static Option<string?> Optional(string name, string description) => new(name) { Description = description };

    public static Option<int> Number(string name, string description, int defaultValue = 0) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    public static Option<long> Version(string description = "期望版本（0 不检查） / expected version (0: do not check)") =>
        new("--expected-version") { Description = description };

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    public static Argument<string> Id(string name, string description) => new(name) { Description = description };

    public static Option<int> PageSize() => new("--page-size") { Description = "每页条数 / rows per page (server default when 0)" };

    public static Option<string?> PageToken() => new("--page-token") { Description = "上一页给出的令牌 / the token the previous page printed" };

    /// <summary>Exactly one of two flags (confirm/refuse, approve/refuse): the decision is never implied.</summary>
    public static bool Either(ParseResult parse, Option<bool> yes, Option<bool> no)
    {
        var (y, n) = (parse.GetValue(yes), parse.GetValue(no));
        if (y == n)
        {
            throw new CliException(ExitCodes.InvalidArgument, $"{yes.Name} 或 / or {no.Name}: 二选一 / give exactly one");
        }

        return y;
    }

    /// <summary>An id for a new record where the caller chooses it (idempotent RPCs): given, or a fresh one.</summary>
    public static string NewId(string? given, string prefix) =>
        string.IsNullOrWhiteSpace(given) ? $"{prefix}-{TimeProvider.System.GetUtcNow():yyyyMMdd}-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}" : given.Trim();

    /// <summary>"30d", "24h", "90m", "45s" or a TimeSpan ("1.02:00:00").</summary>
    public static TimeSpan Duration(string text, string option)
    {
        text = text.Trim();
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            TimeSpan? span = char.ToLowerInvariant(text[^1]) switch
            {
                'd' => TimeSpan.FromDays(amount),
                'h' => TimeSpan.FromHours(amount),
                'm' => TimeSpan.FromMinutes(amount),
                's' => TimeSpan.FromSeconds(amount),
                _ => null,
            };
            if (span is { } value)
            {
                return value;
            }
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero)
        {
            return parsed;
        }

        throw new CliException(ExitCodes.InvalidArgument, $"{option}: '{text}' 不是时长 / is not a duration (30d, 24h, 90m, 45s)");
    }

    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>
    /// An instant for an RPC that takes ISO instants (the audit period, an incident's suspicion): a day
    /// <c>yyyy-MM-dd</c> is its start in Asia/Shanghai, as every other date cpctl takes; an ISO instant passes as written.
    /// Empty stays empty (the RPC's "from the start" / "until now").
    /// </summary>
    public static string Instant(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        text = text.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return LocalDate.FromDateOnly(day).AtStartOfDayInZone(Shanghai).ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
        {
            return text;
        }

        throw new CliException(ExitCodes.InvalidArgument, $"{option}: '{text}' 不是日期或时间 / is neither a day yyyy-MM-dd nor an ISO instant (2026-11-27T09:00:00+08:00)");
    }

    /// <summary>Today in the business clock (Asia/Shanghai), as the services count it: the default for dates.</summary>
    public static async Task<string> TodayAsync(Session session, CancellationToken ct) =>
        (await TodayDateAsync(session, ct)).ToIso();

    public static async Task<Google.Type.Date> TodayDateAsync(Session session, CancellationToken ct) =>
        (await session.Clock().GetTimeAsync(new Platform.V1.GetTimeRequest(), session.Headers, cancellationToken: ct)).Today;

    /// <summary>A policy day (google.type.Date) written yyyy-MM-dd; the server checks its range.</summary>
    public static Google.Type.Date Day(string text, string option) =>
        DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day.ToProtoDate()
            : throw new CliException(ExitCodes.InvalidArgument, $"{option}: '{text}' 不是日期 / is not a day yyyy-MM-dd");

    /// <summary>An instant for an RPC that takes a Timestamp, read as <see cref="Instant(string?, string)"/>; null (unset) for empty.</summary>
    public static Google.Protobuf.WellKnownTypes.Timestamp? Timestamp(string? text, string option) =>
        Instant(text, option) is { Length: > 0 } instant
            ? Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal))
            : null;

    /// <summary>An optional day option: unset (null) when not given.</summary>
    public static Google.Type.Date? DayOrNull(string? text, string option) => text is null ? null : Day(text, option);
}
