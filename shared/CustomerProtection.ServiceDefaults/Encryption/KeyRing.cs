using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace CustomerProtection.ServiceDefaults.Encryption;

/// <summary>The key ring is missing or malformed: the service refuses to start rather than store data in clear.</summary>
public sealed class KeyRingConfigurationException(string message) : Exception(message);

/// <summary>
/// C-4: the key-encryption keys (KEKs) from configuration — <c>Confidentiality:Keys:&lt;id&gt;</c> (base64 of
/// 32 bytes, AES-256) and <c>Confidentiality:ActiveKey</c> (the id new data keys are wrapped with). Older
/// keys stay in the ring while data keys wrapped with them exist, so reads keep working during a
/// rotation; each service's rotation pass re-wraps them under the active key. One ring and one envelope
/// for every service that holds confidential or secret data (Registration's contacts and deal terms,
/// Territory's prices and amounts). Development: the AppHost generates the ring (<c>.data/dev-data-keys.json</c>).
/// </summary>
public sealed partial class KeyRing
{
    public const int KeyBytes = 32;

    private readonly Dictionary<string, byte[]> _keys;

    public KeyRing(string activeId, IReadOnlyDictionary<string, byte[]> keys)
    {
        foreach (var (id, key) in keys)
        {
            if (!IdPattern().IsMatch(id))
            {
                throw new KeyRingConfigurationException($"Key id '{id}' must be 1–16 letters or digits (it is stored with every value).");
            }

            if (key.Length != KeyBytes)
            {
                throw new KeyRingConfigurationException($"Key '{id}' must be {KeyBytes} bytes (AES-256), not {key.Length}.");
            }
        }

        if (!keys.ContainsKey(activeId))
        {
            throw new KeyRingConfigurationException($"The active key '{activeId}' is not in the ring ({string.Join(", ", keys.Keys)}).");
        }

        ActiveId = activeId;
        _keys = keys.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
    }

    public string ActiveId { get; }

    public IReadOnlyCollection<string> Ids => _keys.Keys;

    /// <summary>The key with this id; a value wrapped with a key no longer in the ring cannot be read (say so, never guess).</summary>
    public byte[] Key(string id) =>
        _keys.TryGetValue(id, out var key)
            ? key
            : throw new CryptographicException($"Key '{id}' is not in the ring ({string.Join(", ", _keys.Keys)}): it was retired before every value was re-wrapped.");

    public byte[] ActiveKey => _keys[ActiveId];

    /// <summary>From <c>Confidentiality:ActiveKey</c> and <c>Confidentiality:Keys:&lt;id&gt;</c>.</summary>
    public static KeyRing FromConfiguration(IConfiguration configuration)
    {
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var child in configuration.GetSection(SharedConfigKeys.ConfidentialityKeys).GetChildren())
        {
            try
            {
                keys[child.Key] = Convert.FromBase64String(child.Value ?? "");
            }
            catch (FormatException)
            {
                throw new KeyRingConfigurationException($"{SharedConfigKeys.ConfidentialityKeys}:{child.Key} is not base64.");
            }
        }

        var active = configuration[SharedConfigKeys.ConfidentialityActiveKey];
        if (keys.Count == 0 || string.IsNullOrWhiteSpace(active))
        {
            throw new KeyRingConfigurationException(
                $"No key ring: set {SharedConfigKeys.ConfidentialityActiveKey} and {SharedConfigKeys.ConfidentialityKeys}:<id> (base64 of {KeyBytes} random bytes). " +
                "The AppHost generates a development ring; production takes it from the secret store.");
        }

        return new KeyRing(active.Trim(), keys);
    }

    /// <summary>A ring of one fresh random key (tests).</summary>
    public static KeyRing Generate(string activeId) =>
        new(activeId, new Dictionary<string, byte[]>(StringComparer.Ordinal) { [activeId] = RandomNumberGenerator.GetBytes(KeyBytes) });

    /// <summary>The same keys with another one active (rotation), or with keys added.</summary>
    public KeyRing WithActive(string activeId, IReadOnlyDictionary<string, byte[]>? added = null)
    {
        var keys = new Dictionary<string, byte[]>(_keys, StringComparer.Ordinal);
        foreach (var (id, key) in added ?? new Dictionary<string, byte[]>())
        {
            keys[id] = key;
        }

        return new KeyRing(activeId, keys);
    }

    /// <summary>The ring without <paramref name="id"/> (a retired key).</summary>
    public KeyRing Without(string id) => new(ActiveId, _keys.Where(p => p.Key != id).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

    [GeneratedRegex("^[A-Za-z0-9]{1,16}$")]
    private static partial Regex IdPattern();
}
