using System.Runtime.InteropServices;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence.Storage;
using Google.Protobuf;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Persistence;

/// <summary>
/// The bytes of a customer's hash values: the customer (<c>d</c>), its history entries (<c>h…</c>) and
/// progress records (<c>p…</c>). Written as one byte <see cref="ProtobufV1"/> followed by the message of
/// Storage.proto (<see cref="StorageMapping"/>): a third less than the compact JSON before it, which is
/// what takes a typical customer's hash from jemalloc's 1,536 B size class to 1,280 B
/// (docs/registration.md, memory). JSON never starts with that byte (it starts with <c>{</c> or
/// <c>[</c>), so values written by earlier versions are told apart and read as they are
/// (<see cref="StorageJson"/>). There is no migration pass: a customer's <c>d</c> is rewritten in this
/// format the next time the customer is written, and immutable entries keep the format they were
/// written in — a hash may hold both, which every reader here handles. Lua scripts never look inside
/// these values.
/// </summary>
public static class StorageFormat
{
    /// <summary>The first byte of a value in Storage.proto's messages (version 1 of this format).</summary>
    public const byte ProtobufV1 = 0x01;

    /// <summary>The customer aggregate's <c>d</c>: written in this format, read in either.</summary>
    public static readonly IAggregateCodec<Customer> Customers = new CustomerCodec();

    public static byte[] Encode(Customer customer) => Frame(StorageMapping.ToMessage(customer));

    public static byte[] Encode(HistoryEntry entry) => Frame(StorageMapping.ToMessage(entry));

    public static byte[] Encode(ProgressEntry entry) => Frame(StorageMapping.ToMessage(entry));

    /// <exception cref="InvalidDataException">The value is in neither format (damaged, or cut short).</exception>
    public static Customer DecodeCustomer(ReadOnlySpan<byte> value) =>
        IsProtobuf(value) ? Read(StoredCustomer.Parser, value, StorageMapping.FromMessage) : Read(value, StorageJson.ReadCustomer);

    /// <exception cref="InvalidDataException">The value is in neither format.</exception>
    public static HistoryEntry DecodeHistory(ReadOnlySpan<byte> value) =>
        IsProtobuf(value) ? Read(StoredHistoryEntry.Parser, value, StorageMapping.FromMessage) : Read(value, StorageJson.ReadHistory);

    /// <exception cref="InvalidDataException">The value is in neither format.</exception>
    public static ProgressEntry DecodeProgress(ReadOnlySpan<byte> value) =>
        IsProtobuf(value) ? Read(StoredProgressEntry.Parser, value, StorageMapping.FromMessage) : Read(value, StorageJson.ReadProgress);

    // Either parser's failure as one exception: callers decide what an unreadable record means without
    // knowing the two formats.
    private static T Read<TMessage, T>(MessageParser<TMessage> parser, ReadOnlySpan<byte> value, Func<TMessage, T> map)
        where TMessage : IMessage<TMessage>
    {
        try
        {
            return map(parser.ParseFrom(value[1..]));
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException("A stored protobuf value cannot be parsed.", ex);
        }
    }

    private delegate T JsonReader<out T>(ReadOnlySpan<byte> value);

    private static T Read<T>(ReadOnlySpan<byte> value, JsonReader<T> read)
    {
        try
        {
            return read(value);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new InvalidDataException("A stored JSON value cannot be parsed.", ex);
        }
    }

    /// <summary>
    /// Just a customer's invoice title (X-4 near-duplicate scoring reads up to 30 candidates a check):
    /// the fields before it are skipped, nothing else is decoded. Null when the value has none.
    /// </summary>
    public static string? TitleOf(ReadOnlyMemory<byte> value)
    {
        if (!IsProtobuf(value.Span))
        {
            return StorageJson.TitleOf(value.Span);
        }

        var segment = MemoryMarshal.TryGetArray(value, out var array) ? array : new ArraySegment<byte>(value.ToArray());
        using var input = new CodedInputStream(segment.Array!, segment.Offset + 1, segment.Count - 1);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == StoredCustomer.TitleFieldNumber)
            {
                return input.ReadString();
            }

            input.SkipLastField();
        }

        return null;
    }

    private sealed class CustomerCodec : IAggregateCodec<Customer>
    {
        public RedisValue Encode(Customer value) => StorageFormat.Encode(value);

        public Customer Decode(RedisValue data) => DecodeCustomer(((ReadOnlyMemory<byte>)data).Span);
    }

    private static bool IsProtobuf(ReadOnlySpan<byte> value) => value.Length > 0 && value[0] == ProtobufV1;

    private static byte[] Frame(IMessage message)
    {
        var bytes = new byte[1 + message.CalculateSize()];
        bytes[0] = ProtobufV1;
        message.WriteTo(bytes.AsSpan(1));
        return bytes;
    }
}
