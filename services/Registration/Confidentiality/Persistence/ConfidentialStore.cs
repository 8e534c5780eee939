using System.Globalization;
using CustomerProtection.Registration.Confidentiality.Crypto;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.ServiceDefaults.Encryption;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Persistence;

/// <summary>A customer's stored envelope (or none) and the caller's grant slot for it (or none), read together.</summary>
public sealed record StoredConfidential(byte[]? Value, GrantSlot? Grant);

/// <summary>An envelope opened: the record, or when it was destroyed (C-10), or neither (nothing was ever stored).</summary>
public sealed record OpenedConfidential(ConfidentialRecord? Record, DateTimeOffset? DestroyedAt)
{
    public bool Destroyed => DestroyedAt is not null;
}

/// <summary>
/// Reads and seals the confidential envelopes (C-4) with the key ring. Reads are pipelined: the envelope
/// and the caller's grant slot go out together, and callers start them before the customer read, so
/// a clear read costs no extra round trip.
/// </summary>
public sealed class ConfidentialStore(IConnectionMultiplexer redis, KeyRing ring)
{
    public KeyRing Ring => ring;

    public IDatabase Db => redis.GetDatabase();

    public async Task<StoredConfidential> LoadAsync(string customerId, string? employeeId) =>
        (await LoadManyAsync([customerId], employeeId))[0];

    public async Task<IReadOnlyList<StoredConfidential>> LoadManyAsync(IReadOnlyList<string> customerIds, string? employeeId)
    {
        var batch = Db.CreateBatch();
        var values = customerIds.Select(id => batch.HashGetAsync(RegistrationKeys.Customer(id), ConfidentialityKeys.EnvelopeField)).ToList();
        var slots = employeeId is null ? null : customerIds.Select(id => batch.StringGetAsync(ConfidentialityKeys.GrantSlot(id, employeeId))).ToList();
        batch.Execute();
        var result = new List<StoredConfidential>(customerIds.Count);
        for (var i = 0; i < customerIds.Count; i++)
        {
            var value = await values[i];
            result.Add(new StoredConfidential(value.IsNull ? null : (byte[])value!, slots is null ? null : ParseSlot(await slots[i])));
        }

        return result;
    }

    public OpenedConfidential Open(string customerId, byte[]? value)
    {
        if (value is null)
        {
            return new OpenedConfidential(null, null);
        }

        return Envelope.KindOf(value) == EnvelopeKind.Destroyed
            ? new OpenedConfidential(null, Envelope.DestroyedAt(value))
            : new OpenedConfidential(ConfidentialRecordCodec.Decode(Envelope.Open(ring, customerId, value)), null);
    }

    public byte[] Seal(string customerId, ConfidentialRecord record) => Envelope.Seal(ring, customerId, ConfidentialRecordCodec.Encode(record));

    /// <summary>The grant slot's stored form: "grant id|purpose|expires (unix ms)".</summary>
    public static string SlotValue(GrantSlot slot) =>
        string.Create(CultureInfo.InvariantCulture, $"{slot.GrantId}|{slot.Purpose}|{slot.ExpiresAt.ToUnixTimeMilliseconds()}");

    private static GrantSlot? ParseSlot(RedisValue value)
    {
        if (value.IsNullOrEmpty)
        {
            return null;
        }

        var parts = ((string)value!).Split('|');
        return new GrantSlot(parts[0], parts[1], DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(parts[2], CultureInfo.InvariantCulture)));
    }
}
