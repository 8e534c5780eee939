using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerProtection.Registration.Domain;

namespace CustomerProtection.Registration.Persistence;

/// <summary>
/// The JSON that customers, history and progress entries were stored in before
/// <see cref="StorageFormat"/>'s protobuf, read only: Redis data written by earlier versions is read as
/// it is, never migrated in a pass (a customer is rewritten in the new format when next written). The
/// shapes it reads: the customer as an object with the short names of the legend below, instants as
/// Unix seconds or ISO text, dates as "yyyy-MM-dd"; entries as rows (a JSON array in the record's
/// constructor order, trailing nulls left out) or, older still, as objects with the legend's names.
/// </summary>
public static class StorageJson
{
    /// <summary>C# property → stored name. A property not listed had its camelCase name.</summary>
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
        // HistoryEntry and ProgressEntry as objects (written before they were stored as rows)
        ["At"] = "a", ["Change"] = "c", ["From"] = "f", ["To"] = "to", ["By"] = "by", ["CaseId"] = "ca",
        ["Kind"] = "k", ["On"] = "d", ["Note"] = "n", ["RecordedBy"] = "by", ["RecordedAt"] = "a",
    };

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = StorageJsonContext.Default,
        PropertyNamingPolicy = new LegendNamingPolicy(),
        Converters = { new SecondsConverter() },
    };

    public static Customer ReadCustomer(ReadOnlySpan<byte> json)
    {
        var customer = JsonSerializer.Deserialize<Customer>(json, Options)!;
        // The source-generated reader sets an absent init-only property to null, past its initializer:
        // the first layout's customers have no stage, which meant the default (a prospect).
        return customer.Stage is null ? customer with { Stage = Stages.Prospect } : customer;
    }

    /// <summary>[at, change, status, from, to, reason, by, caseId], or an object.</summary>
    public static HistoryEntry ReadHistory(ReadOnlySpan<byte> json)
    {
        if (IsObject(json))
        {
            return JsonSerializer.Deserialize<HistoryEntry>(json, Options)!;
        }

        var row = Row(json);
        return new(Instant(row, 0), Text(row, 1)!, Text(row, 2)!, Text(row, 3), Text(row, 4), Text(row, 5), Text(row, 6)!, Text(row, 7));
    }

    /// <summary>[kind, on, note, evidence, recordedBy, recordedAt], or an object.</summary>
    public static ProgressEntry ReadProgress(ReadOnlySpan<byte> json)
    {
        if (IsObject(json))
        {
            return JsonSerializer.Deserialize<ProgressEntry>(json, Options)!;
        }

        var row = Row(json);
        return new(Text(row, 0)!, Date(row, 1), Text(row, 2), Text(row, 3), Text(row, 4)!, Instant(row, 5));
    }

    /// <summary>A customer's title without deserialising the rest: the JSON is scanned up to its title property.</summary>
    public static string? TitleOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("t"u8))
            {
                reader.Read();
                return reader.GetString();
            }
        }

        return null;
    }

    private static bool IsObject(ReadOnlySpan<byte> json) => json.TrimStart(" \t\r\n"u8) is [(byte)'{', ..];

    private static JsonElement[] Row(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        return JsonElement.ParseValue(ref reader).EnumerateArray().ToArray();
    }

    private static string? Text(JsonElement[] row, int i) => i < row.Length && row[i].ValueKind == JsonValueKind.String ? row[i].GetString() : null;

    private static DateOnly Date(JsonElement[] row, int i) => DateOnly.ParseExact(row[i].GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTimeOffset Instant(JsonElement[] row, int i) => DateTimeOffset.FromUnixTimeSeconds(row[i].GetInt64());

    private sealed class LegendNamingPolicy : JsonNamingPolicy
    {
        public override string ConvertName(string name) => Legend.TryGetValue(name, out var stored) ? stored : CamelCase.ConvertName(name);
    }

    /// <summary>Instants as Unix seconds (what the last JSON version wrote) or ISO text (the first).</summary>
    private sealed class SecondsConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Number
                ? DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64())
                : DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        // This JSON is only read: StorageFormat writes protobuf. A writer here would be code nobody runs.
        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            throw new NotSupportedException("legacy storage JSON is read only / 旧存储格式只读");
    }
}
