using System.Security.Cryptography;

namespace CustomerProtection.Registration.Domain;

/// <summary>Customer ids: 13 characters of Crockford base32 from 64 random bits (short keys, no coordination).</summary>
public static class CustomerIds
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public static string New()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        var value = BitConverter.ToUInt64(bytes);
        Span<char> chars = stackalloc char[13];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return new string(chars);
    }

    public static bool IsWellFormed(string? id) => id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
