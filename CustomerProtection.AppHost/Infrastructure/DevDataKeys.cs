using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace CustomerProtection.AppHost.Infrastructure;

/// <summary>A key ring for Registration's confidential data (C-4): the active key's id and every key, base64.</summary>
internal sealed record DataKeyRing(string ActiveId, IReadOnlyDictionary<string, string> Keys);

/// <summary>
/// The key ring for confidential customer data (C-4). A configured ring wins
/// (<c>Confidentiality:ActiveKey</c> and <c>Confidentiality:Keys:&lt;id&gt;</c>: tests, a demo of a rotation);
/// otherwise the development ring kept in the data folder (<c>dev-data-keys.json</c>, owner-only), created
/// with one random key on first start so encrypted data stays readable across restarts. To rotate in
/// development: add a key to the file, restart, make it <c>activeId</c>, restart; Registration re-wraps
/// every data key in the background; then the old key may go.
/// </summary>
internal static partial class DevDataKeys
{
    public const string FileName = "dev-data-keys.json";
    private const int KeyBytes = 32;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Path(string dataDirectory) => System.IO.Path.Combine(dataDirectory, FileName);

    /// <summary>The configured ring, else (when there is a data folder) the stored or a new development ring, else none.</summary>
    public static DataKeyRing? Resolve(IConfiguration configuration, string? dataDirectory)
    {
        var configured = configuration.GetSection(SharedConfigKeys.ConfidentialityKeys).GetChildren()
            .ToDictionary(k => k.Key, k => k.Value ?? "", StringComparer.Ordinal);
        if (configured.Count > 0)
        {
            return Validate(new DataKeyRing(configuration[SharedConfigKeys.ConfidentialityActiveKey] ?? "", configured), "configuration");
        }

        if (dataDirectory is null)
        {
            return null;
        }

        // The data folder is locked by this AppHost, so nobody else creates the file in between.
        var path = Path(dataDirectory);
        var text = OwnerOnlyFile.ReadOrCreate(path, () => JsonSerializer.Serialize(
            new DataKeyRing("dev1", new Dictionary<string, string> { ["dev1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes)) }), Json));
        try
        {
            return Validate(JsonSerializer.Deserialize<DataKeyRing>(text, Json) ?? throw new JsonException("empty"), path);
        }
        catch (JsonException ex)
        {
            throw new InfrastructureSetupException($"{path} is not a key ring ({{\"activeId\": \"dev1\", \"keys\": {{\"dev1\": \"<base64>\"}}}}): {ex.Message}");
        }
    }

    private static DataKeyRing Validate(DataKeyRing ring, string source)
    {
        foreach (var (id, key) in ring.Keys)
        {
            var bytes = new byte[key.Length];
            if (!IdPattern().IsMatch(id) || !Convert.TryFromBase64String(key, bytes, out var length) || length != KeyBytes)
            {
                throw new InfrastructureSetupException(
                    $"Key '{id}' from {source}: the id must be 1–16 letters or digits and the key base64 of {KeyBytes} random bytes (AES-256).");
            }
        }

        if (!ring.Keys.ContainsKey(ring.ActiveId))
        {
            throw new InfrastructureSetupException($"The active data key '{ring.ActiveId}' from {source} is not one of its keys ({string.Join(", ", ring.Keys.Keys)}).");
        }

        return ring;
    }

    [GeneratedRegex("^[A-Za-z0-9]{1,16}$")]
    private static partial Regex IdPattern();
}
