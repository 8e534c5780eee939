using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Tests;

/// <summary>
/// The customer's hash values (docs/registration.md, memory): protobuf behind a 0x01 byte, every
/// property of every stored type mapped (a property added to <see cref="Customer"/> and not to
/// <see cref="StorageMapping"/> fails here), and the JSON of earlier versions — objects, rows, the
/// older object-form entries, ISO instants — still read as the same objects.
/// </summary>
public sealed class StorageFormatTests
{
    private static DateTimeOffset At(long unixSeconds) => DateTimeOffset.FromUnixTimeSeconds(unixSeconds);

    private static DateOnly Day(string date) => DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Every stored property set to something other than its default (instants in whole seconds: what is stored).</summary>
    private static readonly Customer Full = new()
    {
        Id = "1324",
        IdentityKey = "uscc:91310081096466660A",
        Title = "青岛富永木能源有限公司",
        Class = "important",
        Sales = 123456.78m,
        BranchId = "LB0-79dc8d",
        RegionId = "LR-79dc8d",
        Status = "protected",
        Stage = "formal",
        OwnerId = "LS0-62-79dc8d",
        OwnerName = "销售0-62",
        FiledBy = "LS0-61-79dc8d",
        FiledAt = At(1795762394),
        EvidenceKind = "referral",
        EvidenceDate = Day("2026-11-26"),
        Evidence = "转介绍 2026-11-26",
        ManualReview = true,
        ApprovedOn = Day("2026-11-27"),
        ApprovedBy = "LSEC0-79dc8d",
        PeriodStart = Day("2026-11-28"),
        ExtensionDays = 30,
        SpecialPeriodDays = 365,
        LastShipmentOn = Day("2026-11-28"),
        ObjectionWindowEnds = Day("2026-12-02"),
        CoDevelopers = ["LS0-63-79dc8d", "LS0-64-79dc8d"],
        OpenCaseId = "CASE-7",
        CaseClaimantId = "LS0-65-79dc8d",
        CaseOpenedAt = new DateTimeOffset(2026, 3, 20, 1, 2, 3, 456, TimeSpan.Zero),
        PreviousOwnerId = "LS0-60-79dc8d",
        FreedAt = At(1795000000),
        FreedReason = "lapsed",
        ProgressDates = [Day("2026-11-27"), Day("2026-11-29")],
        PendingExtension = new PendingExtension(30, Day("2026-11-29"), "LS0-62-79dc8d", "客户采购周期长"),
        RemindersFrom = At(1795762400),
        RemindersSent = ["owner:30@2027-05-27"],
        FlaggedMonth = "2026-11",
    };

    /// <summary>Only what a customer must have; everything optional absent, numbers zero.</summary>
    private static readonly Customer Minimal = new()
    {
        Id = "1",
        IdentityKey = "title:某公司",
        Title = "某公司",
        Class = "ordinary",
        BranchId = "B",
        Status = "pending_approval",
        FiledBy = "S1",
    };

    private static IEnumerable<PropertyInfo> StoredProperties => typeof(Customer).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite);

    [Fact]
    public void The_mapping_knows_every_stored_property_of_a_customer()
    {
        Assert.Equal(StorageMapping.CustomerProperties, StoredProperties.Count());
        // The round trips below prove each property mapped only if the sample sets each one.
        Assert.All(StoredProperties, p => Assert.False(IsDefault(p.GetValue(Full)), $"{p.Name} is not set in the full sample"));
    }

    [Fact]
    public void A_customer_with_every_property_set_round_trips()
    {
        var stored = StorageFormat.Encode(Full);

        Assert.Equal(StorageFormat.ProtobufV1, stored[0]);
        AssertSame(Full, StorageFormat.DecodeCustomer(stored));
    }

    [Fact]
    public void A_minimal_customer_round_trips_with_nothing_invented()
    {
        var decoded = StorageFormat.DecodeCustomer(StorageFormat.Encode(Minimal));

        AssertSame(Minimal, decoded);
        Assert.Null(decoded.RegionId);
        Assert.Null(decoded.PendingExtension);
        Assert.Null(decoded.CoDevelopers);
        Assert.Equal(Stages.Prospect, decoded.Stage);
    }

    [Theory]
    [InlineData("100000")]
    [InlineData("0")]
    [InlineData("100000.00")]
    [InlineData("0.000000000001")]
    [InlineData("-5")]
    [InlineData("9223372036854775808")]
    [InlineData("79228162514264337593543950335")]
    public void Sales_round_trip_exactly_with_their_scale(string sales)
    {
        var value = decimal.Parse(sales, CultureInfo.InvariantCulture);

        var decoded = StorageFormat.DecodeCustomer(StorageFormat.Encode(Minimal with { Sales = value })).Sales;

        Assert.Equal(sales, decoded.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_pending_extension_without_a_reason_round_trips()
    {
        var customer = Minimal with { PendingExtension = new PendingExtension(15, Day("2026-11-29"), "S1", null) };

        Assert.Equal(customer.PendingExtension, StorageFormat.DecodeCustomer(StorageFormat.Encode(customer)).PendingExtension);
    }

    [Fact]
    public void History_entries_round_trip_with_every_field_and_with_the_minimum()
    {
        HistoryEntry[] entries =
        [
            new(At(1795762394), Changes.Awarded, "protected", "LS0-61-79dc8d", "LS0-62-79dc8d", "拍卖中标", "M-LB0", "CASE-7"),
            new(At(1795762394), Changes.Lapsed, "lapsed", null, null, null, "system"),
        ];

        foreach (var entry in entries)
        {
            var stored = StorageFormat.Encode(entry);
            Assert.Equal(StorageFormat.ProtobufV1, stored[0]);
            Assert.Equal(entry, StorageFormat.DecodeHistory(stored));
        }
    }

    [Fact]
    public void Progress_records_round_trip_with_every_field_and_with_the_minimum()
    {
        ProgressEntry[] entries =
        [
            new("call", Day("2026-11-27"), "电话沟通采购计划，客户确认下月试用", "DOC-1324-call", "LS0-62-79dc8d", At(1795762436)),
            new("visit", Day("2026-11-27"), null, null, "LS0-62-79dc8d", At(1795762436)),
        ];

        foreach (var entry in entries)
        {
            var stored = StorageFormat.Encode(entry);
            Assert.Equal(StorageFormat.ProtobufV1, stored[0]);
            Assert.Equal(entry, StorageFormat.DecodeProgress(stored));
        }
    }

    [Fact]
    public void Instants_are_kept_to_the_second_as_the_JSON_kept_them()
    {
        var customer = Minimal with { FiledAt = At(1795762394).AddMilliseconds(999) };

        Assert.Equal(At(1795762394), StorageFormat.DecodeCustomer(StorageFormat.Encode(customer)).FiledAt);
    }

    [Fact]
    public void The_customer_takes_far_less_room_than_its_JSON_did()
    {
        // The example customer of issue 4, as the last JSON version stored it (425 bytes).
        var legacy = Encoding.UTF8.GetBytes(LegacyExample);
        var customer = StorageFormat.DecodeCustomer(legacy);

        var stored = StorageFormat.Encode(customer);

        AssertSame(customer, StorageFormat.DecodeCustomer(stored));
        Assert.InRange(stored.Length, 1, legacy.Length * 2 / 3);
    }

    private const string LegacyExample =
        """{"id":"1324","ik":"uscc:91310081096466660A","t":"青岛富永木能源有限公司","cl":"potential","sa":100000,"b":"LB0-79dc8d","r":"LR-79dc8d","s":"protected","st":"prospect","o":"LS0-62-79dc8d","on":"销售0-62","fb":"LS0-62-79dc8d","fa":1795762394,"ek":"visit","ed":"2026-11-27","ev":"拜访纪要 2026-11-27","ao":"2026-11-27","ab":"LSEC0-79dc8d","ps":"2026-11-27","ow":"2026-12-02","pd":["2026-11-27"],"rf":1795762394}""";

    [Fact]
    public void Legacy_customer_JSON_of_the_example_reads_as_before()
    {
        var expected = new Customer
        {
            Id = "1324",
            IdentityKey = "uscc:91310081096466660A",
            Title = "青岛富永木能源有限公司",
            Class = "potential",
            Sales = 100000m,
            BranchId = "LB0-79dc8d",
            RegionId = "LR-79dc8d",
            Status = "protected",
            Stage = "prospect",
            OwnerId = "LS0-62-79dc8d",
            OwnerName = "销售0-62",
            FiledBy = "LS0-62-79dc8d",
            FiledAt = At(1795762394),
            EvidenceKind = "visit",
            EvidenceDate = Day("2026-11-27"),
            Evidence = "拜访纪要 2026-11-27",
            ApprovedOn = Day("2026-11-27"),
            ApprovedBy = "LSEC0-79dc8d",
            PeriodStart = Day("2026-11-27"),
            ObjectionWindowEnds = Day("2026-12-02"),
            ProgressDates = [Day("2026-11-27")],
            RemindersFrom = At(1795762394),
        };

        AssertSame(expected, StorageFormat.DecodeCustomer(Encoding.UTF8.GetBytes(LegacyExample)));
    }

    [Fact]
    public void Legacy_customer_JSON_with_every_property_reads_as_the_same_customer()
    {
        const string legacy =
            """{"id":"1324","ik":"uscc:91310081096466660A","t":"青岛富永木能源有限公司","cl":"important","sa":123456.78,"b":"LB0-79dc8d","r":"LR-79dc8d","s":"protected","st":"formal","o":"LS0-62-79dc8d","on":"销售0-62","fb":"LS0-61-79dc8d","fa":1795762394,"ek":"referral","ed":"2026-11-26","ev":"转介绍 2026-11-26","mr":true,"ao":"2026-11-27","ab":"LSEC0-79dc8d","ps":"2026-11-28","xd":30,"sp":365,"ls":"2026-11-28","ow":"2026-12-02","cd":["LS0-63-79dc8d","LS0-64-79dc8d"],"oc":"CASE-7","po":"LS0-60-79dc8d","fr":1795000000,"fw":"lapsed","pd":["2026-11-27","2026-11-29"],"pe":{"d":30,"ro":"2026-11-29","rb":"LS0-62-79dc8d","re":"客户采购周期长"},"rf":1795762400,"rs":["owner:30@2027-05-27"],"fm":"2026-11","cc":"LS0-65-79dc8d"}""";

        // The case's opening time came after the JSON format: legacy JSON never has it.
        AssertSame(Full with { CaseOpenedAt = null }, StorageFormat.DecodeCustomer(Encoding.UTF8.GetBytes(legacy)));
    }

    [Fact]
    public void Legacy_customer_JSON_with_ISO_instants_reads_as_before()
    {
        const string legacy =
            """{"id":"77","ik":"uscc:91310000MA1FL8LQ3X","t":"上海旧版精工有限公司","cl":"potential","b":"B-SH","r":"R-EAST","s":"protected","o":"S1","on":"销售S1","fb":"S1","fa":"2026-03-09T01:00:00Z","ao":"2026-03-10","ab":"SEC-B-SH","ps":"2026-03-10","rf":"2026-03-10T01:00:00Z"}""";

        var customer = StorageFormat.DecodeCustomer(Encoding.UTF8.GetBytes(legacy));

        Assert.Equal((new DateTimeOffset(2026, 3, 9, 1, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 10, 1, 0, 0, TimeSpan.Zero)), (customer.FiledAt, customer.RemindersFrom));
        Assert.Equal(("77", "上海旧版精工有限公司", Day("2026-03-10"), "SEC-B-SH"), (customer.Id, customer.Title, customer.PeriodStart, customer.ApprovedBy));
    }

    [Theory]
    [InlineData("""[1795762394,"filed","pending_approval",null,"LS0-62-79dc8d","visit","LS0-62-79dc8d"]""", null)]
    [InlineData("""[1795762394,"filed","pending_approval",null,"LS0-62-79dc8d","visit","LS0-62-79dc8d","CASE-7"]""", "CASE-7")]
    [InlineData("""{"a":"2026-11-27T06:53:14Z","c":"filed","s":"pending_approval","to":"LS0-62-79dc8d","re":"visit","by":"LS0-62-79dc8d"}""", null)]
    [InlineData("""{"a":1795762394,"c":"filed","s":"pending_approval","to":"LS0-62-79dc8d","re":"visit","by":"LS0-62-79dc8d","ca":"CASE-7"}""", "CASE-7")]
    public void Legacy_history_rows_and_objects_read_as_before(string legacy, string? caseId)
    {
        var expected = new HistoryEntry(At(1795762394), Changes.Filed, CustomerStatus.Pending, null, "LS0-62-79dc8d", "visit", "LS0-62-79dc8d", caseId);

        Assert.Equal(expected, StorageFormat.DecodeHistory(Encoding.UTF8.GetBytes(legacy)));
    }

    [Theory]
    [InlineData("""["call","2026-11-27","电话沟通采购计划，客户确认下月试用","DOC-1324-call","LS0-62-79dc8d",1795762436]""")]
    [InlineData("""{"k":"call","d":"2026-11-27","n":"电话沟通采购计划，客户确认下月试用","ev":"DOC-1324-call","by":"LS0-62-79dc8d","a":"2026-11-27T06:53:56Z"}""")]
    public void Legacy_progress_rows_and_objects_read_as_before(string legacy)
    {
        var expected = new ProgressEntry("call", Day("2026-11-27"), "电话沟通采购计划，客户确认下月试用", "DOC-1324-call", "LS0-62-79dc8d", At(1795762436));

        Assert.Equal(expected, StorageFormat.DecodeProgress(Encoding.UTF8.GetBytes(legacy)));
    }

    [Fact]
    public void Legacy_rows_without_their_trailing_nulls_read_as_absent()
    {
        Assert.Equal(new HistoryEntry(At(1795762394), Changes.Lapsed, CustomerStatus.Lapsed, "S1", null, null, "system"),
            StorageFormat.DecodeHistory("""[1795762394,"lapsed","lapsed","S1",null,null,"system"]"""u8));
        Assert.Equal(new ProgressEntry("visit", Day("2026-11-27"), null, null, "S1", At(1795762436)),
            StorageFormat.DecodeProgress("""["visit","2026-11-27",null,null,"S1",1795762436]"""u8));
    }

    [Fact]
    public void X4_the_title_is_read_from_both_formats_without_decoding_the_rest()
    {
        Assert.Equal(Full.Title, StorageFormat.TitleOf(StorageFormat.Encode(Full)));
        Assert.Equal(Minimal.Title, StorageFormat.TitleOf(StorageFormat.Encode(Minimal)));
        Assert.Equal("青岛富永木能源有限公司", StorageFormat.TitleOf(Encoding.UTF8.GetBytes(LegacyExample)));
        // A slice of a larger buffer, as Redis replies may hand it over.
        var padded = new byte[] { 9, 9 }.Concat(StorageFormat.Encode(Full)).Concat(new byte[] { 9 }).ToArray();
        Assert.Equal(Full.Title, StorageFormat.TitleOf(padded.AsMemory(2, padded.Length - 3)));
    }

    private static bool IsDefault(object? value) => value switch
    {
        null => true,
        string text => text.Length == 0,
        IEnumerable items => !items.Cast<object>().Any(),
        _ when value.GetType().IsValueType => value.Equals(Activator.CreateInstance(value.GetType())),
        _ => false,
    };

    /// <summary>Property by property (lists by their elements: record equality compares lists by reference).</summary>
    private static void AssertSame(Customer expected, Customer actual)
    {
        foreach (var property in typeof(Customer).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var (e, a) = (property.GetValue(expected), property.GetValue(actual));
            if (e is IEnumerable expectedItems and not string && a is IEnumerable actualItems)
            {
                Assert.True(expectedItems.Cast<object>().SequenceEqual(actualItems.Cast<object>()), property.Name);
            }
            else
            {
                Assert.True(Equals(e, a), $"{property.Name}: expected {e}, got {a}");
            }
        }
    }
}
