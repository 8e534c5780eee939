using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CustomerProtection.Registration.Confidentiality.Domain;

namespace CustomerProtection.Registration.Confidentiality.Persistence.Audit;

/// <summary>
/// C-5 tamper evidence: entry n's hash is SHA-256(hash of entry n−1 ‖ canonical bytes of entry n),
/// the first one chained to 32 zero bytes. The canonical bytes are every field of the entry, its
/// sequence number included, each length-prefixed (so no two different entries share bytes). Changing
/// any entry changes its hash and every later one; removing one leaves a gap in the sequence numbers
/// and a link that does not match.
/// </summary>
public static class AuditChainHash
{
    public static readonly byte[] Genesis = new byte[32];

    public static byte[] Next(ReadOnlySpan<byte> previous, long sequence, AuditRecord record)
    {
        var canonical = Canonical(sequence, record);
        var input = new byte[previous.Length + canonical.Length];
        previous.CopyTo(input);
        canonical.CopyTo(input, previous.Length);
        return SHA256.HashData(input);
    }

    public static byte[] Canonical(long sequence, AuditRecord record)
    {
        using var buffer = new MemoryStream(256);
        void Put(string? value)
        {
            var bytes = Encoding.UTF8.GetBytes(value ?? "");
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            buffer.Write(length);
            buffer.Write(bytes);
        }

        Put(sequence.ToString(CultureInfo.InvariantCulture));
        Put(record.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Put(record.EmployeeId);
        Put(record.Role);
        Put(record.CustomerId);
        Put(record.Kind);
        Put(string.Join(',', record.Fields));
        Put(record.Purpose);
        Put(record.Rpc);
        Put(record.Detail);
        return buffer.ToArray();
    }
}

/// <summary>The first broken link of a chain: which entry, and why.</summary>
public sealed record BrokenLink(long Sequence, string? EntryId, string Reason);

public static class BrokenReasons
{
    /// <summary>The entry's content no longer gives its hash (or the link to it).</summary>
    public const string Altered = "altered";

    /// <summary>An entry is missing: the sequence jumps.</summary>
    public const string Missing = "missing";

    /// <summary>The log ends before the head the chain recorded.</summary>
    public const string Truncated = "truncated";
}

/// <summary>
/// Walks a chain in order (fed page by page) and names its first broken link: an entry whose stored
/// hash is not SHA-256(previous ‖ entry) is altered; a jump in sequence numbers is a missing entry;
/// a log that ends before the recorded head was truncated. Pure: the store feeds it.
/// </summary>
public sealed class ChainVerifier
{
    private byte[] _previous = AuditChainHash.Genesis;
    private long _expected = 1;

    public long Checked { get; private set; }

    public BrokenLink? Broken { get; private set; }

    public void Feed(ChainedEntry entry)
    {
        if (Broken is not null)
        {
            return;
        }

        Checked++;
        if (entry.Sequence != _expected)
        {
            Broken = new BrokenLink(_expected, entry.EntryId, entry.Sequence > _expected ? BrokenReasons.Missing : BrokenReasons.Altered);
            return;
        }

        var hash = AuditChainHash.Next(_previous, entry.Sequence, entry.Record);
        if (!CryptographicOperations.FixedTimeEquals(hash, entry.Hash))
        {
            Broken = new BrokenLink(entry.Sequence, entry.EntryId, BrokenReasons.Altered);
            return;
        }

        _previous = entry.Hash;
        _expected++;
    }

    /// <summary>After the last entry: the head (the sequence and hash the chainer recorded last) must be where the walk ended.</summary>
    public BrokenLink? Finish(long headSequence, ReadOnlySpan<byte> headHash)
    {
        if (Broken is null && (headSequence != _expected - 1 || !headHash.SequenceEqual(_previous)))
        {
            // Entries missing at the end, entries beyond the head nobody chained, or a head that was changed.
            Broken = headSequence >= _expected ? new BrokenLink(_expected, null, BrokenReasons.Truncated)
                : headSequence < _expected - 1 ? new BrokenLink(headSequence + 1, null, BrokenReasons.Altered)
                : new BrokenLink(headSequence, null, BrokenReasons.Altered);
        }

        return Broken;
    }
}
