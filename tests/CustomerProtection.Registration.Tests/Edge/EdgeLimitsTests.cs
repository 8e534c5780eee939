using CustomerProtection.Penalty.V1;
using CustomerProtection.Platform.V1;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Registration.Grpc;
using CustomerProtection.Registration.V1;
using CustomerProtection.ServiceDefaults.Validation;
using CustomerProtection.Territory.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace CustomerProtection.Registration.Tests.Edge;

/// <summary>
/// The one set of edge limits (EdgeLimits, in the service defaults; every service's gRPC stack runs it before any
/// handler) on real request messages: each kind of field at its limit passes and one past it is refused, named by
/// its path; days and instants within 1900–2199; durations of protobuf's shape within the clock's range. Tested here
/// because the service defaults have no test project of their own; the fuzz test drives them end to end.
/// </summary>
public sealed class EdgeLimitsTests
{
    private static IEnumerable<string> Refused(IMessage request) => EdgeLimits.Check(request).Select(v => v.Field);

    [Fact]
    public void An_id_may_have_64_characters_and_not_65()
    {
        Assert.Empty(Refused(new GetCustomerRequest { CustomerId = new string('C', 64) }));
        Assert.Equal(["customer_id"], Refused(new GetCustomerRequest { CustomerId = new string('C', 65) }));
        Assert.Equal(["branch_id"], Refused(new ListAccessGrantsRequest { BranchId = new string('B', 20_000) }));
    }

    [Fact]
    public void A_name_may_have_200_characters_and_free_text_4000()
    {
        Assert.Empty(Refused(new CreateRegionRequest { RegionId = "R-1", Name = new string('名', 200) }));
        Assert.Equal(["name"], Refused(new CreateRegionRequest { RegionId = "R-1", Name = new string('名', 201) }));
        Assert.Empty(Refused(new RecordEmployeeLeftRequest { EmployeeId = "E-1", Reason = new string('因', 4000) }));
        Assert.Equal(["reason"], Refused(new RecordEmployeeLeftRequest { EmployeeId = "E-1", Reason = new string('因', 4001) }));
    }

    [Fact]
    public void A_list_may_have_1000_items_and_each_item_is_held_to_its_kind()
    {
        var incident = new RecordIncidentRequest { Description = "疑似泄露" };
        incident.EmployeeIds.AddRange(Enumerable.Range(0, 1000).Select(i => $"E-{i}"));
        Assert.Empty(Refused(incident));

        incident.EmployeeIds[7] = new string('E', 65);
        Assert.Equal(["employee_ids[7]"], Refused(incident));
        incident.EmployeeIds.Add("E-1000");
        Assert.Contains("employee_ids", Refused(incident));
    }

    [Fact]
    public void A_nested_field_is_named_by_its_path()
    {
        Assert.Equal(["filter.employee_id"], Refused(new ListFinesRequest { Filter = new FineFilter { EmployeeId = new string('S', 65) } }));
    }

    [Theory]
    [InlineData(1900, 1, 1, true)]
    [InlineData(2199, 12, 31, true)]
    [InlineData(1899, 12, 31, false)]
    [InlineData(2200, 1, 1, false)]
    [InlineData(2026, 2, 29, false)] // not a day of the calendar
    [InlineData(2026, 13, 1, false)]
    [InlineData(2026, 4, 0, false)]
    public void A_day_is_a_day_of_the_calendar_within_1900_to_2199_refused_on_its_field(int year, int month, int day, bool passes)
    {
        var request = new RecordShipmentRequest { CustomerId = "C-1", ShippedOn = new Google.Type.Date { Year = year, Month = month, Day = day } };
        // A google.type.Date is numbers: the edge passes it, and the handler reads it (Dates.Parse) before any use case runs.
        Assert.Empty(Refused(request));
        if (passes)
        {
            Assert.Equal($"{year:D4}-{month:D2}-{day:D2}", CustomerMapping.Day("shipped_on", request.ShippedOn));
        }
        else
        {
            var refusal = Assert.Throws<RequestValidationException>(() => CustomerMapping.Day("shipped_on", request.ShippedOn));
            Assert.Equal(["shipped_on"], refusal.Violations.Select(v => v.Field));
        }
    }

    [Fact]
    public void A_timestamp_is_a_valid_instant_of_those_days()
    {
        Assert.Empty(Refused(new ListFinesRequest { Filter = new FineFilter { From = new Google.Type.Date { Year = 2026, Month = 1, Day = 1 } } }));
        Assert.False(EdgeLimits.IsWithinRange(new Timestamp { Seconds = -62135596800 }));
        Assert.False(EdgeLimits.IsWithinRange(new Timestamp { Seconds = 0, Nanos = -1 }));
        Assert.True(EdgeLimits.IsWithinRange(Timestamp.FromDateTimeOffset(new DateTimeOffset(2199, 12, 31, 23, 59, 59, TimeSpan.Zero))));
        Assert.False(EdgeLimits.IsWithinRange(Timestamp.FromDateTimeOffset(new DateTimeOffset(2200, 1, 1, 0, 0, 0, TimeSpan.Zero))));
    }

    [Theory]
    [InlineData(1L, -1, false)]
    [InlineData(0L, 2_000_000_000, false)]
    [InlineData(long.MaxValue, 0, false)]
    [InlineData(315_576_000_001L, 999_999_999, false)]
    [InlineData(86_400L * 3660, 0, true)]
    [InlineData(86_400L * 3660, 1, false)]
    [InlineData(-86_400L, -5, true)]
    [InlineData(86_400L, 0, true)]
    public void A_duration_has_protobufs_shape_and_at_most_the_clocks_step(long seconds, int nanos, bool passes)
    {
        Assert.Equal(passes, !Refused(new AdvanceRequest { By = new Duration { Seconds = seconds, Nanos = nanos } }).Any());
    }
}
