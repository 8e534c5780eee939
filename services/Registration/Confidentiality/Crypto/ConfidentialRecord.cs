using System.Text;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Domain;

namespace CustomerProtection.Registration.Confidentiality.Crypto;

/// <summary>What one customer's envelope holds: its confidential and secret fields and the consent they were given under (C-6).</summary>
public sealed record ConfidentialRecord(CustomerContact Contact, Consent Consent);

/// <summary>
/// The plaintext inside an envelope, compact (memory per customer is a requirement): each present
/// protected field as its classification tag and a length-prefixed UTF-8 string (the fields are
/// exactly <see cref="CustomerClassification.Protected"/>, C-1), then the consent. A tag the reader
/// does not know (written by a newer version) is skipped, never misread.
/// </summary>
public static class ConfidentialRecordCodec
{
    private const byte Version = 1;
    private const byte EndOfFields = 0;

    public static byte[] Encode(ConfidentialRecord record)
    {
        using var buffer = new MemoryStream(128);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            foreach (var field in CustomerClassification.Protected)
            {
                if (field.Get(record.Contact) is { Length: > 0 } value)
                {
                    writer.Write(field.Tag);
                    writer.Write(value);
                }
            }

            writer.Write(EndOfFields);
            var consent = record.Consent;
            writer.Write((byte)consent.Purposes.Count);
            foreach (var purpose in consent.Purposes)
            {
                writer.Write(purpose);
            }

            writer.Write(consent.Evidence ?? "");
            writer.Write(consent.RecordedAt.ToUnixTimeMilliseconds());
            writer.Write(consent.RecordedBy);
        }

        return buffer.ToArray();
    }

    public static ConfidentialRecord Decode(byte[] plaintext)
    {
        using var reader = new BinaryReader(new MemoryStream(plaintext), Encoding.UTF8);
        if (reader.ReadByte() != Version)
        {
            throw new InvalidDataException("Unknown confidential record version.");
        }

        var contact = CustomerContact.Empty;
        for (var tag = reader.ReadByte(); tag != EndOfFields; tag = reader.ReadByte())
        {
            var value = reader.ReadString();
            if (CustomerClassification.Protected.FirstOrDefault(f => f.Tag == tag) is { } field)
            {
                contact = field.With(contact, value);
            }
        }

        var purposes = new string[reader.ReadByte()];
        for (var i = 0; i < purposes.Length; i++)
        {
            purposes[i] = reader.ReadString();
        }

        var evidence = reader.ReadString();
        var at = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
        return new ConfidentialRecord(contact, new Consent(purposes, evidence.Length == 0 ? null : evidence, at, reader.ReadString()));
    }
}
