using System.Collections;
using CsCheck;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace CustomerProtection.EndToEnd.Tests.Fuzz;

/// <summary>
/// Generates well-formed protobuf messages of any request type from its descriptor, with hostile values: ids of the
/// test organisation beside made-up ones, strings just over each edge limit and far over, days and instants outside
/// 1900–2199, malformed numbers, undefined enum values, lists of 1,001 items, Timestamps and Durations out of range.
/// </summary>
public sealed class RequestGen(IReadOnlyList<string> knownIds)
{
    private const int MaxDepth = 3;

    private static readonly string[] Words =
    [
        "hq", "salesperson", "branch_manager", "regional_manager", "dealer", "branch", "direct", "agent", "visit", "phone",
        "potential", "signed", "approve", "reject", "open", "json", "csv", "marketing", "analytics", "P-2.1", "C-2",
    ];

    private static readonly string[] Days =
        ["0001-01-01", "9999-12-31", "-0001-01-01", "1899-12-31", "1900-01-01", "2199-12-31", "2200-01-01", "2024-02-30", "2024-06-01", "20240601"];

    private static readonly string[] Instants =
        ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2024-06-01T00:00:00+08:00", "2024-06-01", "-1", "now"];

    private static readonly string[] Numbers =
        ["-1", "0", "1", "0.001", "1e30", "-1e30", "NaN", "Infinity", "99999999999999999999999999999", "1,000", "-0", "１２", "100000"];

    /// <summary>Just over each limit of EdgeLimits (id 64, name 200, text 4,000) and far over (a header-sized value).</summary>
    private static readonly int[] LongLengths = [65, 201, 4001, 20_000];

    private static readonly long[] Longs = [0, 1, -1, 100, 1000, 1001, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue];

    private static readonly Gen<string> Text = Gen.Char["abcXYZ019_-. 张三华东/\\'\"%$\0\u3000"].Array[0, 16].Select(chars => new string(chars));

    private static readonly Gen<string> Unpaired = Gen.Char['\uD800', '\uDFFF'].Array[1, 4].Select(chars => new string(chars));

    private Gen<string> Strings => Gen.Frequency(
        (4, Gen.OneOf(knownIds.ToArray())),
        (3, Text),
        (2, Gen.OneOf(Words)),
        (2, Gen.OneOf(Days)),
        (1, Gen.OneOf(Instants)),
        (2, Gen.OneOf(Numbers)),
        (1, Gen.OneOf(LongLengths).Select(n => new string('x', n))),
        (1, Unpaired),
        (1, Gen.Const("")));

    private static readonly Gen<ByteString> Bytes = Gen.Frequency(
        (2, Gen.Const(ByteString.Empty)),
        (2, Gen.Byte.Array[1, 64].Select(ByteString.CopyFrom)),
        (2, Gen.OneOf(
            "{\"regions\":[{\"id\":\"" + new string('r', 100_000) + "\",\"name\":\"x\"}]}",
            "{\"regions\":[" + string.Join(',', Enumerable.Range(0, 3000).Select(i => $"{{\"id\":\"bad id {i}\",\"name\":\"\"}}")) + "]}",
            "{\"regions\":[{\"id\":null}],\"employees\":[{\"hire_date\":\"0001-01-01\",\"role\":\"hq\"}]}",
            "type,id,name\nregion,,\nemployee,E,\"unterminated",
            "invoice_title,taxpayer_id\n" + string.Concat(Enumerable.Repeat("x,y\n", 5000)),
            "{").Select(ByteString.CopyFromUtf8)),
        (1, Gen.Const(ByteString.CopyFrom(new byte[300_000]))));

    private static readonly Gen<Timestamp> Timestamps = Gen.Frequency(
        (3, Gen.Select(Gen.OneOf(Longs), Gen.Int, (s, n) => new Timestamp { Seconds = s, Nanos = n })),
        (1, Gen.Const(new Timestamp { Seconds = -62_135_596_800 })),
        (1, Gen.Const(new Timestamp { Seconds = 253_402_300_799, Nanos = 999_999_999 })));

    /// <summary>
    /// Durations outside the clock's range or of the wrong shape, and zero or negative steps — never a valid step
    /// forward, which Clock/Advance would take and so move every service's clock under the other tests.
    /// </summary>
    private static readonly Gen<Duration> Durations = Gen.Frequency(
        (3, Gen.Select(Gen.OneOf(Longs), Gen.OneOf(-1, 0, -999_999_999, 1_000_000_000, 2_000_000_000, int.MinValue), (s, n) => new Duration { Seconds = s, Nanos = n })),
        (1, Gen.OneOf(-1L, -316_224_000L, 316_224_001L, 315_576_000_001L).Select(s => new Duration { Seconds = s })))
        .Where(d => !IsStepForward(d));

    /// <summary>What Clock/Advance accepts: protobuf's shape, positive, at most 3,660 days.</summary>
    private static bool IsStepForward(Duration d) =>
        d is { Seconds: >= 0 and <= 316_224_000, Nanos: >= 0 and < 1_000_000_000 } && (d.Seconds > 0 || d.Nanos > 0);

    public Gen<IMessage> Message(MessageDescriptor descriptor) => Message(descriptor, depth: 0);

    private Gen<IMessage> Message(MessageDescriptor descriptor, int depth)
    {
        var setters = Gen.Const(Array.Empty<Action<IMessage>>());
        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            setters = Gen.Select(setters, Setter(field, depth), (all, set) => set is null ? all : [.. all, set]);
        }

        return setters.Select(all =>
        {
            var message = descriptor.Parser.ParseFrom(ByteString.Empty);
            foreach (var set in all)
            {
                set(message);
            }

            return message;
        });
    }

    /// <summary>What to put in one field, or null to leave it unset.</summary>
    private Gen<Action<IMessage>?> Setter(FieldDescriptor field, int depth)
    {
        var unset = Gen.Const<Action<IMessage>?>(() => null);
        if (depth >= MaxDepth && field.FieldType == FieldType.Message && !IsWellKnown(field.MessageType))
        {
            return unset;
        }

        if (field.IsMap)
        {
            var entry = field.MessageType;
            return Gen.Frequency(
                (3, unset),
                (1, Gen.Select(Value(entry.FindFieldByNumber(1), depth), Value(entry.FindFieldByNumber(2), depth))
                    .Select<(object, object), Action<IMessage>?>(kv => message => ((IDictionary)field.Accessor.GetValue(message))[kv.Item1] = kv.Item2)));
        }

        var value = Value(field, depth);
        if (field.IsRepeated)
        {
            return Gen.Frequency(
                (3, unset),
                (3, value.Array[1, 3].Select<object[], Action<IMessage>?>(items => message => AddAll(field, message, items))),
                (1, value.Select<object, Action<IMessage>?>(item => message => AddAll(field, message, Enumerable.Repeat(item, 1001)))));
        }

        return Gen.Frequency((2, unset), (3, value.Select<object, Action<IMessage>?>(v => message => field.Accessor.SetValue(message, v))));
    }

    private static void AddAll(FieldDescriptor field, IMessage message, IEnumerable<object> items)
    {
        var list = (IList)field.Accessor.GetValue(message);
        foreach (var item in items)
        {
            list.Add(item);
        }
    }

    private Gen<object> Value(FieldDescriptor field, int depth) => field.FieldType switch
    {
        FieldType.String => Strings.Select(s => (object)s),
        FieldType.Bytes => Bytes.Select(b => (object)b),
        FieldType.Bool => Gen.Bool.Select(b => (object)b),
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 =>
            Gen.Frequency((3, Gen.OneOf(Longs).Select(l => (object)unchecked((int)l))), (1, Gen.Int.Select(i => (object)i))),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 =>
            Gen.Frequency((3, Gen.OneOf(Longs).Select(l => (object)l)), (1, Gen.Long.Select(l => (object)l))),
        FieldType.UInt32 or FieldType.Fixed32 => Gen.OneOf(Longs).Select(l => (object)unchecked((uint)l)),
        FieldType.UInt64 or FieldType.Fixed64 => Gen.OneOf(Longs).Select(l => (object)unchecked((ulong)l)),
        FieldType.Double => Gen.OneOf(0d, -1d, double.NaN, double.PositiveInfinity, double.MaxValue, 1e-300).Select(d => (object)d),
        FieldType.Float => Gen.OneOf(0f, -1f, float.NaN, float.NegativeInfinity, float.MaxValue).Select(f => (object)f),
        FieldType.Enum => Gen.Frequency(
                (3, Gen.OneOf(field.EnumType.Values.Select(v => v.Number).ToArray())),
                (1, Gen.OneOf(-1, 99, int.MaxValue)))
            .Select(n => System.Enum.ToObject(field.EnumType.ClrType, n)),
        FieldType.Message when field.MessageType.FullName == Timestamp.Descriptor.FullName => Timestamps.Select(t => (object)t),
        FieldType.Message when field.MessageType.FullName == Duration.Descriptor.FullName => Durations.Select(d => (object)d),
        FieldType.Message => Message(field.MessageType, depth + 1).Select(m => (object)m),
        _ => throw new NotSupportedException($"{field.FullName}: {field.FieldType}"),
    };

    private static bool IsWellKnown(MessageDescriptor message) =>
        message.FullName == Timestamp.Descriptor.FullName || message.FullName == Duration.Descriptor.FullName;
}
