using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using CustomerProtection.ServiceDefaults.Encryption;

namespace CustomerProtection.Registration.Backup;

/// <summary>
/// C-8 (and C-4: a backup holds every customer): a snapshot is written encrypted and authenticated with
/// AES-256-GCM, streamed in segments so a large snapshot never sits in memory whole:
/// <code>
/// header:  "CPBACKUP" [version 1][key id length][key id][wrap nonce 12][wrapped data key 32][wrap tag 16]
/// segment: [final 0|1][length, 4 bytes big-endian][tag 16][ciphertext]   (segments of 1 MiB, the last one final)
/// </code>
/// A fresh data key per backup, wrapped with the key ring's active key; the key id in the header names
/// which key of the ring opens it, so a backup taken before a rotation restores while its key is in the
/// ring. The header is the wrap's associated data; each segment's nonce and associated data carry its
/// number and the final flag, so a changed, dropped, reordered or cut-off segment fails to open.
/// tools/backup.sh decrypts it (docs/running.md).
/// </summary>
public sealed class BackupCipher : IDisposable
{
    public const int SegmentBytes = 1 << 20;
    private const byte Version = 1;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int DataKeyBytes = 32;

    private readonly Stream _output;
    private readonly AesGcm _aes;
    private readonly byte[] _plain = new byte[SegmentBytes];
    private readonly byte[] _cipher = new byte[SegmentBytes];
    private int _buffered;
    private uint _segment;

    public static ReadOnlySpan<byte> Magic => "CPBACKUP"u8;

    private BackupCipher(Stream output, AesGcm aes)
    {
        _output = output;
        _aes = aes;
    }

    /// <summary>Writes the header to <paramref name="output"/>: the new data key, wrapped with the ring's active key.</summary>
    public static async Task<BackupCipher> StartAsync(Stream output, KeyRing ring, CancellationToken cancellationToken)
    {
        var kid = Encoding.ASCII.GetBytes(ring.ActiveId);
        var header = new byte[Magic.Length + 2 + kid.Length + NonceBytes + DataKeyBytes + TagBytes];
        Magic.CopyTo(header);
        header[Magic.Length] = Version;
        header[Magic.Length + 1] = (byte)kid.Length;
        kid.CopyTo(header, Magic.Length + 2);
        var aad = Magic.Length + 2 + kid.Length;
        var wrapNonce = header.AsSpan(aad, NonceBytes);
        RandomNumberGenerator.Fill(wrapNonce);

        var dataKey = RandomNumberGenerator.GetBytes(DataKeyBytes);
        try
        {
            using (var wrap = new AesGcm(ring.ActiveKey, TagBytes))
            {
                wrap.Encrypt(wrapNonce, dataKey, header.AsSpan(aad + NonceBytes, DataKeyBytes),
                    header.AsSpan(aad + NonceBytes + DataKeyBytes, TagBytes), header.AsSpan(0, aad));
            }

            await output.WriteAsync(header, cancellationToken);
            return new BackupCipher(output, new AesGcm(dataKey, TagBytes));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var take = Math.Min(data.Length, SegmentBytes - _buffered);
            data.Span[..take].CopyTo(_plain.AsSpan(_buffered));
            _buffered += take;
            data = data[take..];
            if (_buffered == SegmentBytes)
            {
                await WriteSegmentAsync(final: false, cancellationToken);
            }
        }
    }

    /// <summary>Writes what is buffered as the final segment (empty when the data ended on a segment boundary).</summary>
    public Task CompleteAsync(CancellationToken cancellationToken) => WriteSegmentAsync(final: true, cancellationToken);

    private async Task WriteSegmentAsync(bool final, CancellationToken cancellationToken)
    {
        var head = new byte[1 + 4 + TagBytes];
        head[0] = final ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(1), (uint)_buffered);
        Span<byte> nonce = stackalloc byte[NonceBytes];
        BinaryPrimitives.WriteUInt32BigEndian(nonce[^4..], _segment);
        Span<byte> aad = stackalloc byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(aad, _segment);
        aad[4] = head[0];
        _aes.Encrypt(nonce, _plain.AsSpan(0, _buffered), _cipher.AsSpan(0, _buffered), head.AsSpan(5, TagBytes), aad);
        await _output.WriteAsync(head, cancellationToken);
        await _output.WriteAsync(_cipher.AsMemory(0, _buffered), cancellationToken);
        _segment++;
        _buffered = 0;
    }

    public void Dispose()
    {
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_plain);
    }
}
