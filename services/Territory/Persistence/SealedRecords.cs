using CustomerProtection.ServiceDefaults.Encryption;
using StackExchange.Redis;

namespace CustomerProtection.Territory.Persistence;

/// <summary>
/// C-4 for the sales side: the aggregates that hold deal terms (C-1: a sale's unit price and amount,
/// a violation's evidence and the customer's annual purchases, a region's asking prices — derived from
/// actual sales, P-4.2 —, a price approval's prices, a service-support fee and terms) are stored as
/// the shared <see cref="Envelope"/> under the service's <see cref="KeyRing"/>, the same mechanism and
/// key ring as Registration's confidential customer data. The state is the aggregate's JSON sealed as
/// one blob, bound to its kind and id (a value copied to another record's key does not open). The
/// directory, filings, opportunities and rotations carry no deal terms and stay JSON. A value written
/// in clear before this (JSON, first byte '{') is still read as it is until <see cref="LedgerSealMigration"/>
/// seals it.
/// </summary>
public sealed class SealedRecords(KeyRing ring)
{
    /// <summary>The kinds whose state is sealed.</summary>
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal)
    {
        SalesKeys.Sale, SalesKeys.Violation, SalesKeys.AskingPrice, SalesKeys.PriceApproval, SalesKeys.Support,
    };

    public KeyRing Ring => ring;

    /// <summary>The stored form of an aggregate's state: sealed for a kind with deal terms, JSON otherwise.</summary>
    public RedisValue Encode<T>(string kind, string id, T value)
    {
        var json = DirectoryStore.Encode(value);
        return Kinds.Contains(kind) ? Envelope.Seal(ring, Binding(kind, id), (byte[])json!) : json;
    }

    public T Decode<T>(string kind, string id, RedisValue data)
    {
        var bytes = (byte[])data!;
        return IsSealed(bytes)
            ? JsonCodec.Web<T>().Decode(Envelope.Open(ring, Binding(kind, id), bytes))
            : JsonCodec.Web<T>().Decode(data);
    }

    public Versioned<T>? Read<T>(string kind, string id, RedisValue[] values) =>
        values[0].IsNull ? null : new Versioned<T>(Decode<T>(kind, id, values[1]), (long)values[0]);

    /// <summary>An envelope starts with its kind byte (1); a JSON object with '{'.</summary>
    public static bool IsSealed(ReadOnlySpan<byte> data) => data.Length > 0 && data[0] == (byte)EnvelopeKind.Sealed;

    /// <summary>Associated data of a record's envelope: its kind and id.</summary>
    public static string Binding(string kind, string id) => $"territory:{kind}:{id}";

    /// <summary>A sealed copy of a state written in clear (<see cref="LedgerSealMigration"/>).</summary>
    public byte[] SealClear(string kind, string id, byte[] json) => Envelope.Seal(ring, Binding(kind, id), json);

    /// <summary>The same sealed state with its data key wrapped under the active key (rotation, <see cref="LedgerSealMigration"/>).</summary>
    public byte[] Rewrap(string kind, string id, byte[] value) => Envelope.Rewrap(ring, Binding(kind, id), value);
}
