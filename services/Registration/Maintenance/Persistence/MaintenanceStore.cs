using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerProtection.Registration.Maintenance.Domain;
using CustomerProtection.Registration.Persistence;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Maintenance.Persistence;

/// <summary>A verification of a customer's contacts: by whom, when, which fields were corrected (none: confirmed as they were).</summary>
public sealed record ContactVerification(string CustomerId, string VerifiedBy, DateTimeOffset VerifiedAt, DateOnly VerifiedOn, IReadOnlyList<string> Corrected);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SurveyRound))]
[JsonSerializable(typeof(SurveyMember))]
[JsonSerializable(typeof(SurveyAnswer))]
[JsonSerializable(typeof(ContactVerification))]
internal sealed partial class MaintenanceJsonContext : JsonSerializerContext;

/// <summary>Reads maintenance records; writes are <see cref="AtomicChange"/> steps built by the use cases and committed through the customer store.</summary>
public sealed class MaintenanceStore(IConnectionMultiplexer redis, CustomerStore customers)
{
    /// <summary>M-1's reminders: a flat due-queue (entries are few: one per owned customer).</summary>
    public DueQueue FollowUps { get; } = DueQueue.Flat(redis, MaintenanceKeys.FollowUpDue);

    /// <summary>M-4's schedule: one entry, at the next scheduled round.</summary>
    public DueQueue SurveySchedule { get; } = DueQueue.Flat(redis, MaintenanceKeys.SurveyScheduleDue);

    private IDatabase Db => customers.Db;

    /// <summary>Puts M-4's schedule at <paramref name="firstPassMs"/> unless it has an entry (one add-if-absent, so replicas starting together arm it once).</summary>
    public Task<bool> StartSurveyScheduleAsync(double firstPassMs) =>
        Db.SortedSetAddAsync(MaintenanceKeys.SurveyScheduleDue, MaintenanceKeys.ScheduledRoundsEntry, firstPassMs, When.NotExists);

    public Task<ChangeResult> CommitAsync(AtomicChange change) => customers.CommitAsync(change);

    public static string Encode<T>(T value) => JsonSerializer.Serialize(value, typeof(T), MaintenanceJsonContext.Default);

    private static T Decode<T>(RedisValue value) => (T)JsonSerializer.Deserialize((string)value!, typeof(T), MaintenanceJsonContext.Default)!;

    public async Task<SurveyRound?> RoundAsync(string roundId) =>
        await Db.StringGetAsync(MaintenanceKeys.Round(roundId)) is { IsNull: false } value ? Decode<SurveyRound>(value) : null;

    public async Task<IReadOnlyList<SurveyMember>> MembersAsync(string roundId) =>
        (await Db.HashValuesAsync(MaintenanceKeys.RoundMembers(roundId))).Select(Decode<SurveyMember>).OrderBy(m => m.CustomerId, StringComparer.Ordinal).ToList();

    public async Task<SurveyMember?> MemberAsync(string roundId, string customerId) =>
        await Db.HashGetAsync(MaintenanceKeys.RoundMembers(roundId), customerId) is { IsNull: false } value ? Decode<SurveyMember>(value) : null;

    public async Task<IReadOnlyDictionary<string, SurveyAnswer>> AnswersAsync(string roundId) =>
        (await Db.HashValuesAsync(MaintenanceKeys.RoundAnswers(roundId))).Select(Decode<SurveyAnswer>).ToDictionary(a => a.CustomerId, StringComparer.Ordinal);

    /// <summary>The round over the same branches opened last before <paramref name="round"/>, if any.</summary>
    public async Task<string?> PreviousRoundAsync(SurveyRound round)
    {
        var before = await Db.SortedSetRangeByScoreAsync(MaintenanceKeys.RoundsOver(round.BranchIds), double.NegativeInfinity,
            round.OpenedAt.ToUnixTimeMilliseconds(), Exclude.Stop, Order.Descending, 0, 1);
        return before.Length == 0 ? null : (string)before[0]!;
    }

    /// <summary>The rounds a branch is surveyed in, newest first, from <paramref name="offset"/>; and whether more follow.</summary>
    public async Task<(IReadOnlyList<SurveyRound> Rounds, bool More)> BranchRoundsAsync(string branchId, int offset, int count)
    {
        var ids = await Db.SortedSetRangeByRankAsync(MaintenanceKeys.BranchRounds(branchId), offset, offset + count, Order.Descending);
        var rounds = new List<SurveyRound>();
        foreach (var id in ids.Take(count))
        {
            if (await RoundAsync((string)id!) is { } round)
            {
                rounds.Add(round);
            }
        }

        return (rounds, ids.Length > count);
    }

    /// <summary>How many of a round's members answered.</summary>
    public async Task<int> AnsweredCountAsync(string roundId) => (int)await Db.HashLengthAsync(MaintenanceKeys.RoundAnswers(roundId));

    /// <summary>The day of each customer's last answered survey (null: never surveyed).</summary>
    public async Task<IReadOnlyList<NodaTime.LocalDate?>> SurveyedAsync(IReadOnlyList<string> customerIds) =>
        (await Db.HashGetAsync(MaintenanceKeys.Surveyed, customerIds.Select(id => (RedisValue)id).ToArray()))
            .Select(v => v.IsNull ? (NodaTime.LocalDate?)null : Dates.ToLocalDate(DateOnly.ParseExact((string)v!, "yyyy-MM-dd", CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>Each customer's last verification, if any.</summary>
    public async Task<IReadOnlyList<ContactVerification?>> VerificationsAsync(IReadOnlyList<string> customerIds) =>
        (await Db.HashGetAsync(MaintenanceKeys.Verified, customerIds.Select(id => (RedisValue)id).ToArray()))
            .Select(v => v.IsNull ? null : Decode<ContactVerification>(v))
            .ToList();

    /// <summary>Whether the customers owned before the follow-up queue existed were armed.</summary>
    public Task<bool> FollowUpsBackfilledAsync() => Db.KeyExistsAsync(MaintenanceKeys.FollowUpBackfilled);

    /// <summary>The overdue period last reminded for a customer ("" when none).</summary>
    public async Task<string> RemindedAsync(string customerId) =>
        (string?)await Db.HashGetAsync(MaintenanceKeys.FollowUpReminded, customerId) ?? "";
}
