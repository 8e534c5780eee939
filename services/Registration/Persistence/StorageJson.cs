using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerProtection.Registration.Persistence;

/// <summary>
/// How customers, history and progress entries are written to Redis: memory per customer is a
/// requirement (docs/registration.md: under 2 KB with five progress records), so the stored JSON is
/// compact — short property names from the one legend below (the C# names stay readable), absent
/// values left out, Chinese as UTF-8 (3 bytes a character, not 6 as \uXXXX: this is storage, never
/// HTML), and instants as Unix seconds. Events are not affected: they use the outbox's own JSON.
/// </summary>
public static class StorageJson
{
    /// <summary>C# property → stored name. A property not listed keeps its camelCase name.</summary>
    private static readonly Dictionary<string, string> Legend = new(StringComparer.Ordinal)
    {
        // Customer
        ["IdentityKey"] = "ik", ["Title"] = "t", ["Class"] = "cl", ["Sales"] = "sa", ["BranchId"] = "b", ["RegionId"] = "r",
        ["Status"] = "s", ["Stage"] = "st", ["OwnerId"] = "o", ["OwnerName"] = "on", ["FiledBy"] = "fb", ["FiledAt"] = "fa",
        ["EvidenceKind"] = "ek", ["EvidenceDate"] = "ed", ["Evidence"] = "ev", ["ManualReview"] = "mr", ["ApprovedOn"] = "ao",
        ["ApprovedBy"] = "ab", ["PeriodStart"] = "ps", ["ExtensionDays"] = "xd", ["SpecialPeriodDays"] = "sp", ["LastShipmentOn"] = "ls",
        ["ObjectionWindowEnds"] = "ow", ["CoDevelopers"] = "cd", ["OpenCaseId"] = "oc", ["PreviousOwnerId"] = "po", ["FreedAt"] = "fr",
        ["FreedReason"] = "fw", ["ProgressDates"] = "pd", ["PendingExtension"] = "pe", ["RemindersFrom"] = "rf", ["RemindersSent"] = "rs",
        ["FlaggedMonth"] = "fm", ["CaseClaimantId"] = "cc",
        // PendingExtension
        ["Days"] = "d", ["RequestedOn"] = "ro", ["RequestedBy"] = "rb", ["Reason"] = "re",
        // HistoryEntry and ProgressEntry as objects (written before they were stored as rows; still read)
        ["At"] = "a", ["Change"] = "c", ["From"] = "f", ["To"] = "to", ["By"] = "by", ["CaseId"] = "ca",
        ["Kind"] = "k", ["On"] = "d", ["Note"] = "n", ["RecordedBy"] = "by", ["RecordedAt"] = "a",
    };

    // Without the row converters: how entries written as objects are read.
    private static readonly JsonSerializerOptions ObjectOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = new LegendNamingPolicy(),
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new SecondsConverter() },
    };

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = StorageJsonContext.Default,
        PropertyNamingPolicy = new LegendNamingPolicy(),
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new SecondsConverter(), new HistoryRow(), new ProgressRow() },
    };

    private sealed class LegendNamingPolicy : JsonNamingPolicy
    {
        public override string ConvertName(string name) => Legend.TryGetValue(name, out var stored) ? stored : CamelCase.ConvertName(name);
    }

    /// <summary>
    /// Instants as Unix seconds (a number: 10 bytes where the ISO text takes 22); nothing in the policy
    /// needs less than a second. Reads the ISO text of data written before, too.
    /// </summary>
    private sealed class SecondsConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Number
                ? DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64())
                : DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(value.ToUnixTimeSeconds());
    }

    /// <summary>
    /// History and progress entries are immutable and many per customer, so each is stored as a row —
    /// a JSON array in the record's constructor order, trailing nulls left out — instead of an object
    /// repeating its property names (a fifth of a progress record). A new property goes at the end.
    /// </summary>
    private abstract class RowConverter<T> : JsonConverter<T>
    {
        protected abstract object?[] Row(T value);

        protected abstract T FromRow(JsonElement[] row);

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                return JsonSerializer.Deserialize<T>(ref reader, ObjectOptions)!;
            }

            var row = JsonElement.ParseValue(ref reader).EnumerateArray().ToArray();
            return FromRow(row);
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            var row = Row(value);
            var length = row.Length;
            while (length > 0 && row[length - 1] is null)
            {
                length--;
            }

            writer.WriteStartArray();
            foreach (var cell in row.AsSpan(0, length))
            {
                switch (cell)
                {
                    case null: writer.WriteNullValue(); break;
                    case string text: writer.WriteStringValue(text); break;
                    case DateOnly date: writer.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
                    case DateTimeOffset instant: writer.WriteNumberValue(instant.ToUnixTimeSeconds()); break;
                    default: throw new NotSupportedException(cell.GetType().Name);
                }
            }

            writer.WriteEndArray();
        }

        protected static string? Text(JsonElement[] row, int i) => i < row.Length && row[i].ValueKind == JsonValueKind.String ? row[i].GetString() : null;

        protected static DateOnly Date(JsonElement[] row, int i) => DateOnly.ParseExact(row[i].GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);

        protected static DateTimeOffset Instant(JsonElement[] row, int i) => DateTimeOffset.FromUnixTimeSeconds(row[i].GetInt64());
    }

    /// <summary>[at, change, status, from, to, reason, by, caseId]</summary>
    private sealed class HistoryRow : RowConverter<Domain.HistoryEntry>
    {
        protected override object?[] Row(Domain.HistoryEntry e) => [e.At, e.Change, e.Status, e.From, e.To, e.Reason, e.By, e.CaseId];

        protected override Domain.HistoryEntry FromRow(JsonElement[] row) =>
            new(Instant(row, 0), Text(row, 1)!, Text(row, 2)!, Text(row, 3), Text(row, 4), Text(row, 5), Text(row, 6)!, Text(row, 7));
    }

    /// <summary>[kind, on, note, evidence, recordedBy, recordedAt]</summary>
    private sealed class ProgressRow : RowConverter<Domain.ProgressEntry>
    {
        protected override object?[] Row(Domain.ProgressEntry e) => [e.Kind, e.On, e.Note, e.Evidence, e.RecordedBy, e.RecordedAt];

        protected override Domain.ProgressEntry FromRow(JsonElement[] row) =>
            new(Text(row, 0)!, Date(row, 1), Text(row, 2), Text(row, 3), Text(row, 4)!, Instant(row, 5));
    }
}
