using System.Security.Cryptography;

namespace CustomerProtection.AppHost.Infrastructure;

/// <summary>
/// The development token signing key (HMAC-SHA256, 32 random bytes, base64). Kept in the data folder so tokens
/// minted by <c>cpctl token</c> keep working across restarts; created owner-only (0600).
/// </summary>
internal static class DevSigningKey
{
    public const string FileName = "dev-signing.key";
    private const int KeyBytes = 32;

    public static string Path(string dataDirectory) => System.IO.Path.Combine(dataDirectory, FileName);

    /// <summary>A configured key wins (tests pass one); otherwise the stored one; otherwise a new one, stored.</summary>
    public static string Resolve(string? configuredKey, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configuredKey))
        {
            return Validate(configuredKey.Trim(), $"configuration '{SharedConfigKeys.AuthSigningKey}'");
        }

        // The data folder is locked by this AppHost, so nobody else creates the file in between.
        var path = Path(dataDirectory);
        var key = OwnerOnlyFile.ReadOrCreate(path, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes)));
        return Validate(key, path);
    }

    private static string Validate(string key, string source)
    {
        var bytes = new byte[key.Length];
        if (!Convert.TryFromBase64String(key, bytes, out var length) || length < KeyBytes)
        {
            throw new InfrastructureSetupException(
                $"The signing key from {source} must be base64 of at least {KeyBytes} bytes " +
                "(HMAC-SHA256 needs 256 bits). Delete the file to have a new one generated.");
        }

        return key;
    }
}
