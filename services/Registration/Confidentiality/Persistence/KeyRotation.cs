using System.Globalization;
using CustomerProtection.Registration.Confidentiality.Crypto;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.ServiceDefaults.Encryption;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Persistence;

/// <summary>The last background pass over every envelope (C-4 rotation).</summary>
public sealed record RotationPass(
    string KeyId,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    long Scanned,
    long Rewrapped,
    long Migrated,
    long UnderOtherKeys);

/// <summary>
/// C-4 key rotation without downtime: a pass over every stored envelope re-wraps each data key that is
/// wrapped under an older key-encryption key with the active one (the encrypted data itself is copied
/// unchanged: <see cref="Envelope.Rewrap"/>), each value by a compare-and-set so a concurrent write
/// (which always uses the active key) is never overwritten. Readers keep working throughout because
/// the older key stays in the ring until a finished pass reports none left under it. The same pass
/// encrypts clear contact hashes left from before encryption existed, and deletes them.
/// </summary>
public sealed class KeyRotation(IConnectionMultiplexer redis, ConfidentialStore store, TimeProvider time, ILogger<KeyRotation> logger)
{
    private const int BatchSize = 200;
    private static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(1);

    private static readonly LuaScript CompareAndSet = LuaScript.Prepare(
        """
        if redis.call('HGET', @key, @field) == @expected then
          redis.call('HSET', @key, @field, @value)
          return 1
        end
        return 0
        """);

    // The envelope wins when both exist (it was written after the clear hash).
    private static readonly LuaScript Migrate = LuaScript.Prepare(
        """
        redis.call('HSETNX', @customer, @field, @value)
        redis.call('DEL', @legacy)
        return 1
        """);

    private readonly RedisLease _lease = new(redis, ConfidentialityKeys.RotationLease, LeaseTime);

    private IDatabase Db => redis.GetDatabase();

    public KeyRing Ring => store.Ring;

    public async Task<RotationPass?> LastPassAsync()
    {
        var fields = (await Db.HashGetAllAsync(ConfidentialityKeys.Rotation)).ToDictionary(e => (string)e.Name!, e => e.Value, StringComparer.Ordinal);
        if (!fields.TryGetValue("key", out var key))
        {
            return null;
        }

        DateTimeOffset? At(string name) => fields.TryGetValue(name, out var v) && !v.IsNullOrEmpty ? DateTimeOffset.FromUnixTimeMilliseconds((long)v) : null;
        long Count(string name) => fields.TryGetValue(name, out var v) && !v.IsNullOrEmpty ? (long)v : 0;
        return new RotationPass((string)key!, At("started") ?? DateTimeOffset.UnixEpoch, At("finished"), Count("scanned"), Count("rewrapped"), Count("migrated"), Count("other"));
    }

    /// <summary>A pass is due when none finished under the active key (a new key was activated, or the last pass stopped half way).</summary>
    public async Task<bool> IsDueAsync() => await LastPassAsync() is not { FinishedAt: not null } last || last.KeyId != store.Ring.ActiveId;

    /// <summary>
    /// One pass, if this replica gets the lease (null otherwise). Progress is recorded as it goes, so
    /// <c>GetKeyStatus</c> shows it; a replica that dies mid-pass leaves it unfinished and the next one redoes it.
    /// </summary>
    public async Task<RotationPass?> RunPassAsync(CancellationToken cancellationToken)
    {
        if (!await _lease.HoldAsync())
        {
            return null;
        }

        var ring = store.Ring;
        var pass = new RotationPass(ring.ActiveId, time.GetUtcNow(), null, 0, 0, 0, 0);
        await RecordAsync(pass);
        logger.LogInformation("C-4: key pass under {KeyId} started", ring.ActiveId);
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            var keys = new List<RedisKey>(BatchSize);
            await foreach (var key in server.KeysAsync(Db.Database, ConfidentialityKeys.ValuePattern, BatchSize).WithCancellation(cancellationToken))
            {
                keys.Add(key);
                if (keys.Count == BatchSize)
                {
                    pass = await HandleAsync(pass, keys);
                    keys.Clear();
                    await RecordAsync(pass);
                    if (!await _lease.HoldAsync())
                    {
                        logger.LogWarning("C-4: key pass lost its lease; another replica carries on");
                        return null;
                    }
                }
            }

            pass = await HandleAsync(pass, keys);
        }

        pass = pass with { FinishedAt = time.GetUtcNow() };
        await RecordAsync(pass);
        logger.LogInformation("C-4: key pass under {KeyId} finished: {Scanned} values, {Rewrapped} re-wrapped, {Migrated} clear contacts encrypted, {Other} still under other keys",
            pass.KeyId, pass.Scanned, pass.Rewrapped, pass.Migrated, pass.UnderOtherKeys);
        return pass;
    }

    private async Task<RotationPass> HandleAsync(RotationPass pass, IReadOnlyList<RedisKey> keys)
    {
        var ring = store.Ring;
        foreach (var key in keys)
        {
            var name = key.ToString();
            var customerId = CustomerIdOf(name);
            if (customerId is null)
            {
                continue;
            }

            if (name.EndsWith('}'))
            {
                pass = await RewrapAsync(key, customerId, ring) switch
                {
                    RewrapOutcome.NoEnvelope => pass,
                    RewrapOutcome.Current => pass with { Scanned = pass.Scanned + 1 },
                    RewrapOutcome.Rewrapped => pass with { Scanned = pass.Scanned + 1, Rewrapped = pass.Rewrapped + 1 },
                    _ => pass with { Scanned = pass.Scanned + 1, UnderOtherKeys = pass.UnderOtherKeys + 1 },
                };
            }
            else if (name.EndsWith(":contact", StringComparison.Ordinal) && await MigrateAsync(key, customerId))
            {
                pass = pass with { Migrated = pass.Migrated + 1 };
            }
        }

        return pass;
    }

    private enum RewrapOutcome
    {
        NoEnvelope,
        Current,
        Rewrapped,
        UnderOtherKey,
    }

    /// <summary>Current: already under the active key (or destroyed); UnderOtherKey: concurrent writes won every one of a few tries.</summary>
    private async Task<RewrapOutcome> RewrapAsync(RedisKey key, string customerId, KeyRing ring)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var value = (byte[]?)await Db.HashGetAsync(key, ConfidentialityKeys.EnvelopeField);
            if (value is null && attempt == 0)
            {
                return RewrapOutcome.NoEnvelope;
            }

            if (value is null || Envelope.KindOf(value) == EnvelopeKind.Destroyed || Envelope.KeyIdOf(value) == ring.ActiveId)
            {
                // On a retry: a concurrent write sealed it under the active key (or destroyed it) meanwhile.
                return attempt == 0 ? RewrapOutcome.Current : RewrapOutcome.Rewrapped;
            }

            var rewrapped = Envelope.Rewrap(ring, customerId, value);
            if ((int)await Db.ScriptEvaluateAsync(CompareAndSet, new { key, field = ConfidentialityKeys.EnvelopeField, expected = value, value = rewrapped }) == 1)
            {
                return RewrapOutcome.Rewrapped;
            }
        }

        return RewrapOutcome.UnderOtherKey;
    }

    private async Task<bool> MigrateAsync(RedisKey legacy, string customerId)
    {
        var fields = (await Db.HashGetAllAsync(legacy)).ToDictionary(e => (string)e.Name!, e => (string?)e.Value, StringComparer.Ordinal);
        if (fields.Count == 0)
        {
            return false;
        }

        var contact = new CustomerContact(fields.GetValueOrDefault("name"), fields.GetValueOrDefault("phone"), fields.GetValueOrDefault("email"), fields.GetValueOrDefault("address"));
        var sealedValue = store.Seal(customerId, new ConfidentialRecord(contact, Consent.Implied(time.GetUtcNow(), "migration")));
        await Db.ScriptEvaluateAsync(Migrate, new { customer = RegistrationKeys.Customer(customerId), field = ConfidentialityKeys.EnvelopeField, legacy, value = sealedValue });
        return true;
    }

    private async Task RecordAsync(RotationPass pass) =>
        await Db.HashSetAsync(ConfidentialityKeys.Rotation,
        [
            new HashEntry("key", pass.KeyId),
            new HashEntry("started", pass.StartedAt.ToUnixTimeMilliseconds()),
            new HashEntry("finished", pass.FinishedAt?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) ?? ""),
            new HashEntry("scanned", pass.Scanned),
            new HashEntry("rewrapped", pass.Rewrapped),
            new HashEntry("migrated", pass.Migrated),
            new HashEntry("other", pass.UnderOtherKeys),
        ]);

    /// <summary>"cp:{registration}:customer:{123}" or "…{123}:contact" → "123".</summary>
    private static string? CustomerIdOf(string key)
    {
        var prefix = RegistrationKeys.CustomerPrefix;
        var close = key.StartsWith(prefix, StringComparison.Ordinal) ? key.IndexOf('}', prefix.Length) : -1;
        return close < 0 ? null : key[prefix.Length..close];
    }
}
