using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CustomerProtection.ServiceDefaults.Encryption;

/// <summary>What a stored value holds: sealed data, or the mark that it was destroyed (C-10).</summary>
public enum EnvelopeKind
{
    Sealed = 1,
    Destroyed = 2,
}

/// <summary>
/// C-4 envelope encryption of one record's confidential and secret fields as ONE blob (a customer's
/// contact and deal terms in Registration, a sale's or price's money in Territory), with
/// <see cref="AesGcm"/> (authenticated: a changed byte fails to open, never yields other data):
/// <code>
/// sealed:    [1][key id length][key id][wrap nonce 12][wrapped data key 32][wrap tag 16][nonce 12][tag 16][ciphertext]
/// destroyed: [2][unix ms, 8 bytes big-endian]
/// </code>
/// Every seal draws a fresh 256-bit data key (DEK) for this one blob and wraps it with the ring's
/// active key-encryption key (KEK), whose id travels with the value. Rotation re-wraps the DEK only
/// (<see cref="Rewrap"/>): the data part is untouched, so a reader with either key in its ring opens
/// it. Destruction replaces the value by a mark with no key material: the DEK is gone for good.
/// Associated data binds the DEK and the blob to the owner's id (<c>customerId</c>: the customer's id, or a
/// Territory record's kind and id), so a value copied to another record's key does not open. About 95
/// bytes of overhead per value.
/// </summary>
public static class Envelope
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int DataKeyBytes = 32;
    private const int WrappedBytes = NonceBytes + DataKeyBytes + TagBytes;

    public static EnvelopeKind KindOf(ReadOnlySpan<byte> value) => value.Length > 0 && value[0] == (byte)EnvelopeKind.Destroyed
        ? EnvelopeKind.Destroyed
        : value.Length > 2 && value[0] == (byte)EnvelopeKind.Sealed
            ? EnvelopeKind.Sealed
            : throw new CryptographicException("Not a confidential-data envelope.");

    public static byte[] Seal(KeyRing ring, string customerId, ReadOnlySpan<byte> plaintext)
    {
        var kid = Encoding.ASCII.GetBytes(ring.ActiveId);
        var header = 2 + kid.Length;
        var value = new byte[header + WrappedBytes + NonceBytes + TagBytes + plaintext.Length];
        value[0] = (byte)EnvelopeKind.Sealed;
        value[1] = (byte)kid.Length;
        kid.CopyTo(value, 2);

        Span<byte> dataKey = stackalloc byte[DataKeyBytes];
        RandomNumberGenerator.Fill(dataKey);
        try
        {
            Wrap(ring.ActiveKey, customerId, ring.ActiveId, dataKey, value.AsSpan(header, WrappedBytes));
            var data = value.AsSpan(header + WrappedBytes);
            var nonce = data[..NonceBytes];
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(dataKey, TagBytes);
            aes.Encrypt(nonce, plaintext, data[(NonceBytes + TagBytes)..], data.Slice(NonceBytes, TagBytes), DataAad(customerId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }

        return value;
    }

    /// <summary>The plaintext of a sealed value; throws <see cref="CryptographicException"/> when it was altered or its key is gone.</summary>
    public static byte[] Open(KeyRing ring, string customerId, ReadOnlySpan<byte> value)
    {
        var (kid, header) = KeyIdAndHeader(value);
        Span<byte> dataKey = stackalloc byte[DataKeyBytes];
        try
        {
            Unwrap(ring.Key(kid), customerId, kid, value.Slice(header, WrappedBytes), dataKey);
            var data = value[(header + WrappedBytes)..];
            if (data.Length < NonceBytes + TagBytes)
            {
                throw new CryptographicException("Truncated confidential-data envelope.");
            }

            var plaintext = new byte[data.Length - NonceBytes - TagBytes];
            using var aes = new AesGcm(dataKey, TagBytes);
            aes.Decrypt(data[..NonceBytes], data[(NonceBytes + TagBytes)..], data.Slice(NonceBytes, TagBytes), plaintext, DataAad(customerId));
            return plaintext;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>The id of the KEK a sealed value's data key is wrapped with.</summary>
    public static string KeyIdOf(ReadOnlySpan<byte> value) => KeyIdAndHeader(value).KeyId;

    /// <summary>The same value with its data key wrapped under the ring's active KEK instead (rotation); the data part is copied as it is.</summary>
    public static byte[] Rewrap(KeyRing ring, string customerId, ReadOnlySpan<byte> value)
    {
        var (kid, header) = KeyIdAndHeader(value);
        var newKid = Encoding.ASCII.GetBytes(ring.ActiveId);
        var newHeader = 2 + newKid.Length;
        var data = value[(header + WrappedBytes)..];
        var result = new byte[newHeader + WrappedBytes + data.Length];
        result[0] = (byte)EnvelopeKind.Sealed;
        result[1] = (byte)newKid.Length;
        newKid.CopyTo(result, 2);
        Span<byte> dataKey = stackalloc byte[DataKeyBytes];
        try
        {
            Unwrap(ring.Key(kid), customerId, kid, value.Slice(header, WrappedBytes), dataKey);
            Wrap(ring.ActiveKey, customerId, ring.ActiveId, dataKey, result.AsSpan(newHeader, WrappedBytes));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }

        data.CopyTo(result.AsSpan(newHeader + WrappedBytes));
        return result;
    }

    /// <summary>C-10: the mark that replaces a destroyed value (no key material in it).</summary>
    public static byte[] Destroyed(DateTimeOffset at)
    {
        var value = new byte[9];
        value[0] = (byte)EnvelopeKind.Destroyed;
        BinaryPrimitives.WriteInt64BigEndian(value.AsSpan(1), at.ToUnixTimeMilliseconds());
        return value;
    }

    public static DateTimeOffset DestroyedAt(ReadOnlySpan<byte> value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(value.Slice(1, 8)));

    private static (string KeyId, int Header) KeyIdAndHeader(ReadOnlySpan<byte> value)
    {
        if (KindOf(value) != EnvelopeKind.Sealed || value.Length < 2 + value[1] + WrappedBytes)
        {
            throw new CryptographicException("Not a sealed confidential-data envelope.");
        }

        return (Encoding.ASCII.GetString(value.Slice(2, value[1])), 2 + value[1]);
    }

    private static void Wrap(byte[] kek, string customerId, string kid, ReadOnlySpan<byte> dataKey, Span<byte> wrapped)
    {
        var nonce = wrapped[..NonceBytes];
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(kek, TagBytes);
        aes.Encrypt(nonce, dataKey, wrapped.Slice(NonceBytes, DataKeyBytes), wrapped[(NonceBytes + DataKeyBytes)..], WrapAad(customerId, kid));
    }

    private static void Unwrap(byte[] kek, string customerId, string kid, ReadOnlySpan<byte> wrapped, Span<byte> dataKey)
    {
        using var aes = new AesGcm(kek, TagBytes);
        aes.Decrypt(wrapped[..NonceBytes], wrapped.Slice(NonceBytes, DataKeyBytes), wrapped[(NonceBytes + DataKeyBytes)..], dataKey, WrapAad(customerId, kid));
    }

    private static byte[] WrapAad(string customerId, string kid) => Encoding.UTF8.GetBytes($"cp:dek:{customerId}:{kid}");

    private static byte[] DataAad(string customerId) => Encoding.UTF8.GetBytes($"cp:pii:{customerId}");
}
