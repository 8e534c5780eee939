using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Duration = Google.Protobuf.WellKnownTypes.Duration;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CustomerProtection.Cli.Core;

/// <summary>
/// What a command prints on stdout: with <c>--json</c> the server's answer in the protobuf JSON mapping (proto
/// field names, defaults included, so a script finds every field); otherwise an entity as "field  value" lines and a
/// list as a table. Field names are the protos' own, so the text and the JSON read the same.
/// </summary>
public sealed class Output
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default
        .WithFormatDefaultValues(true)
        .WithPreserveProtoFieldNames(true)
        .WithIndentation());

    private readonly TextWriter _writer;
    private readonly IAnsiConsole _console;

    public Output(CliEnvironment environment, bool json)
    {
        Json = json;
        _writer = environment.Out;
        _console = Console(environment.Out, environment.OutIsTerminal);
    }

    public bool Json { get; }

    /// <summary>A console over any writer: ANSI and live widgets only on a terminal, a wide fixed width elsewhere.</summary>
    internal static IAnsiConsole Console(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        if (!terminal)
        {
            // Redirected output is read by people in files and by grep: no wrapping inside table cells.
            console.Profile.Width = 240;
        }

        return console;
    }

    /// <summary>One entity (or any answer): JSON, or its non-empty fields.</summary>
    public void Record(IMessage message)
    {
        if (Json)
        {
            WriteJson(message);
            return;
        }

        WriteFields(message, indent: "");
    }

    /// <summary>
    /// A list: JSON of the whole answer (rows and next_page_token), or a table of the named columns (proto field
    /// names; <c>a.b</c> reaches into a nested message) and the token for the next page.
    /// </summary>
    public void Table<T>(IMessage answer, IEnumerable<T> rows, params string[] columns) where T : IMessage
    {
        if (Json)
        {
            WriteJson(answer);
            return;
        }

        WriteTable(rows.Cast<IMessage>().ToList(), columns);
        if (answer.Descriptor.FindFieldByName("next_page_token") is { } next && next.Accessor.GetValue(answer) is string { Length: > 0 } token)
        {
            _writer.WriteLine($"下一页 / next page: --page-token {token}");
        }
    }

    /// <summary>Rows gathered from several answers: a JSON array, or a table.</summary>
    public void Rows(IReadOnlyList<IMessage> rows, params string[] columns)
    {
        if (Json)
        {
            _writer.WriteLine("[" + string.Join(",\n", rows.Select(r => Formatter.Format(r))) + "]");
            return;
        }

        WriteTable(rows, columns);
    }

    /// <summary>A free-form line for people (never printed with <c>--json</c>, whose stdout is the answer alone).</summary>
    public void Line(string text)
    {
        if (!Json)
        {
            _writer.WriteLine(text);
        }
    }

    public void WriteJson(IMessage message) => _writer.WriteLine(Formatter.Format(message));

    internal void WriteTable(IReadOnlyList<IMessage> rows, IReadOnlyList<string> columns)
    {
        if (rows.Count == 0)
        {
            _writer.WriteLine("（无 / none）");
            return;
        }

        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column)));
        }

        foreach (var row in rows)
        {
            table.AddRow(columns.Select(c => (IRenderable)new Text(Path(row, c))));
        }

        _console.Write(table);
    }

    /// <summary>The value at a field path (<c>customer.invoice_title</c>) as text; empty when absent.</summary>
    internal static string Path(IMessage message, string path)
    {
        object? current = message;
        FieldDescriptor? field = null;
        foreach (var name in path.Split('.'))
        {
            if (current is null)
            {
                // An unset nested message: nothing to show in this cell.
                return "";
            }

            if (current is not IMessage m || m.Descriptor.FindFieldByName(name) is not { } f)
            {
                throw new InvalidOperationException($"no field '{path}' in {message.Descriptor.FullName}");
            }

            field = f;
            current = f.Accessor.GetValue(m);
        }

        return current is null || field is null ? "" : Text(field, current);
    }

    private void WriteFields(IMessage message, string indent)
    {
        var fields = message.Descriptor.Fields.InFieldNumberOrder().Where(f => !IsEmpty(f, f.Accessor.GetValue(message))).ToList();
        var width = fields.Count == 0 ? 0 : fields.Max(f => f.Name.Length);
        foreach (var field in fields)
        {
            var value = field.Accessor.GetValue(message);
            var label = indent + field.Name.PadRight(width);
            if (field.IsMap)
            {
                _writer.WriteLine(label + "  " + Text(field, value));
            }
            else if (field.IsRepeated && field.FieldType == FieldType.Message)
            {
                _writer.WriteLine(label);
                foreach (IMessage item in (System.Collections.IList)value)
                {
                    _writer.WriteLine(indent + "  -");
                    WriteFields(item, indent + "    ");
                }
            }
            else if (field.FieldType == FieldType.Message && !IsWellKnown(field.MessageType))
            {
                _writer.WriteLine(label);
                WriteFields((IMessage)value, indent + "  ");
            }
            else
            {
                _writer.WriteLine(label + "  " + Text(field, value));
            }
        }
    }

    private static bool IsWellKnown(MessageDescriptor type) =>
        type.FullName is "google.protobuf.Timestamp" or "google.protobuf.Duration" or "google.type.Date";

    private static bool IsEmpty(FieldDescriptor field, object? value) => value switch
    {
        null => true,
        string s => s.Length == 0,
        bool b => !b,
        int i => i == 0,
        long l => l == 0,
        double d => d == 0,
        Enum e => Convert.ToInt32(e, CultureInfo.InvariantCulture) == 0,
        ByteString bytes => bytes.IsEmpty,
        System.Collections.ICollection c => c.Count == 0,
        _ => false,
    };

    private static string Text(FieldDescriptor field, object value) => TextOrNull(field, value) ?? "";

    private static string? TextOrNull(FieldDescriptor field, object value) => value switch
    {
        Timestamp t => t.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        Duration d => d.ToTimeSpan().ToString("c", CultureInfo.InvariantCulture),
        Google.Type.Date day => CustomerProtection.Protos.ProtoDates.ToIso(day),
        Enum e => Vocabulary.Word(e),
        bool b => b ? "true" : "false",
        ByteString bytes => $"<{bytes.Length} bytes>",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IDictionary map => string.Join(", ", map.Keys.Cast<object>()
            .Select(k => $"{k}={map[k]}").Order(StringComparer.Ordinal)),
        // A list of messages in a table cell: how many (the record view and --json show them whole).
        System.Collections.IList { Count: > 0 } list when list[0] is IMessage => list.Count.ToString(CultureInfo.InvariantCulture),
        System.Collections.IEnumerable items and not string => string.Join(", ", items.Cast<object>()
            .Select(i => i is IMessage m ? m.ToString() : i is Enum e ? Vocabulary.Word(e) : Convert.ToString(i, CultureInfo.InvariantCulture))),
        IMessage m when field.FieldType == FieldType.Message => m.ToString(),
        _ => value.ToString(),
    };
}
