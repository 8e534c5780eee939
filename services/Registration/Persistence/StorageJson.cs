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
/// HTML), and instants to the second in UTC. Events are not affected: they use the outbox's own JSON.
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
        // HistoryEntry
        ["At"] = "a", ["Change"] = "c", ["From"] = "f", ["To"] = "to", ["By"] = "by", ["CaseId"] = "ca",
        // ProgressEntry
        ["Kind"] = "k", ["On"] = "d", ["Note"] = "n", ["RecordedBy"] = "by", ["RecordedAt"] = "a",
    };

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = new LegendNamingPolicy(),
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new SecondsConverter() },
    };

    private sealed class LegendNamingPolicy : JsonNamingPolicy
    {
        public override string ConvertName(string name) => Legend.TryGetValue(name, out var stored) ? stored : CamelCase.ConvertName(name);
    }

    /// <summary>Instants as UTC to the second ("2026-03-10T01:00:00Z"); nothing in the policy needs less.</summary>
    private sealed class SecondsConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }
}
