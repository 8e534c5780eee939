using System.Globalization;
using System.Text.Json;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Domain;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Persistence.Audit;

/// <summary>
/// How audit entries are written down: a pending entry as JSON, a chained entry as the 11 fields of its
/// log stream entry (in the order <see cref="AuditScripts.Chain"/> takes them), its fields as a bit mask.
/// </summary>
internal static class AuditCodec
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The type of a pending entry in the outbox-shaped <see cref="AuditKeys.PendingKey"/> stream.</summary>
    public const string PendingType = "audit";

    /// <summary>A pending entry's body.</summary>
    public static string Body(AuditRecord record) => JsonSerializer.Serialize(record, Json);

    /// <summary>A pending entry appended on its own (a read's), shaped like the entries a change adds.</summary>
    public static NameValueEntry[] PendingEntry(AuditRecord record) =>
    [
        new NameValueEntry("id", Guid.NewGuid().ToString("N")),
        new NameValueEntry("type", PendingType),
        new NameValueEntry("body", Body(record)),
        new NameValueEntry("traceparent", ""),
    ];

    /// <summary>A pending entry's record; one that cannot be read is chained as the fact that it was unreadable.</summary>
    public static AuditRecord ParsePending(StreamEntry pending)
    {
        try
        {
            return JsonSerializer.Deserialize<AuditRecord>((string)pending["body"]!, Json)!;
        }
        catch (JsonException)
        {
            // Never block the chain on one unreadable entry: chain the fact that it was unreadable.
            return new AuditRecord(DateTimeOffset.UnixEpoch, "unknown", "unknown", null, "unreadable", [], null, "audit", pending.Id.ToString());
        }
    }

    /// <summary>The stored fields of a chained entry, in the order the chain script writes them (n, h, a, w, r, c, k, f, p, m, d).</summary>
    public static RedisValue[] Stored(long sequence, byte[] hash, AuditRecord record) =>
    [
        sequence, hash, record.At.ToUnixTimeMilliseconds(), record.EmployeeId, record.Role, record.CustomerId ?? "",
        record.Kind, EncodeFields(record.Fields), record.Purpose ?? "", record.Rpc, record.Detail ?? "",
    ];

    /// <summary>A log stream entry as the chained entry it stores.</summary>
    public static ChainedEntry ToEntry(StreamEntry e)
    {
        static string? Text(RedisValue value) => value.IsNullOrEmpty ? null : (string)value!;
        var record = new AuditRecord(
            DateTimeOffset.FromUnixTimeMilliseconds((long)e["a"]),
            (string)e["w"]!,
            (string)e["r"]!,
            Text(e["c"]),
            (string)e["k"]!,
            DecodeFields(e["f"]),
            Text(e["p"]),
            (string)e["m"]!,
            Text(e["d"]));
        return new ChainedEntry(e.Id!, (long)e["n"], (byte[])e["h"]!, record);
    }

    /// <summary>
    /// The fields of an entry as stored: the protected fields (C-1) as a bit mask of their tags — a
    /// small integer instead of ~70 bytes of names in every entry — or, should an entry name anything
    /// else, the names as they are. The chain hashes the names either way.
    /// </summary>
    private static RedisValue EncodeFields(IReadOnlyList<string> fields)
    {
        var mask = 0L;
        foreach (var name in fields)
        {
            var field = CustomerClassification.Protected.FirstOrDefault(f => f.Name == name);
            if (field is null)
            {
                return string.Join(',', fields);
            }

            mask |= 1L << field.Tag;
        }

        // Only when the mask gives back exactly these names (classification order, no repeats), which the hash covers.
        return DecodeFields(mask).SequenceEqual(fields) ? mask : string.Join(',', fields);
    }

    private static IReadOnlyList<string> DecodeFields(RedisValue value)
    {
        if (value.IsNullOrEmpty)
        {
            return [];
        }

        if (!value.TryParse(out long mask))
        {
            return ((string)value!).Split(',');
        }

        return CustomerClassification.Protected.Where(f => (mask & (1L << f.Tag)) != 0).Select(f => f.Name).ToList();
    }
}

/// <summary>The chain's head: last sequence number, its hash and the last log id ("n|hex|id"; empty before the first entry).</summary>
internal sealed record ChainHead(long Sequence, byte[] Hash, LogId LastId)
{
    public string Encoded => $"{Sequence}|{Convert.ToHexStringLower(Hash)}|{LastId}";

    public LogId NextId(long atMs) => atMs > LastId.Ms ? new LogId(atMs, 0) : LastId with { Seq = LastId.Seq + 1 };

    public static ChainHead Parse(RedisValue value)
    {
        if (value.IsNullOrEmpty)
        {
            return new ChainHead(0, AuditChainHash.Genesis, new LogId(0, 0));
        }

        var parts = ((string)value!).Split('|');
        return new ChainHead(long.Parse(parts[0], CultureInfo.InvariantCulture), Convert.FromHexString(parts[1]), LogId.Parse(parts[2]));
    }
}

internal sealed record LogId(long Ms, long Seq) : IComparable<LogId>
{
    public int CompareTo(LogId? other) => other is null ? 1 : Ms != other.Ms ? Ms.CompareTo(other.Ms) : Seq.CompareTo(other.Seq);

    public override string ToString() => $"{Ms}-{Seq}";

    public static LogId Parse(string id)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return new LogId(long.Parse(id.AsSpan(0, dash), CultureInfo.InvariantCulture), long.Parse(id.AsSpan(dash + 1), CultureInfo.InvariantCulture));
    }
}
