using CustomerProtection.Platform.V1;
using CustomerProtection.Policy.Actors;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public sealed class SharedClockTests(SystemFixture system)
{
    [Fact]
    public async Task One_advance_moves_the_time_of_every_service()
    {
        var hq = system.As("HQ-1", Roles.Hq);
        var before = await new Clock.ClockClient(system.Channel(ResourceNames.Registration)).GetTimeAsync(new GetTimeRequest(), hq);

        var moved = await new Clock.ClockClient(system.Channel(ResourceNames.Territory))
            .AdvanceAsync(new AdvanceRequest { By = Duration.FromTimeSpan(TimeSpan.FromDays(31)) }, hq);

        Assert.True(moved.Controllable);
        var expected = before.Offset.ToTimeSpan() + TimeSpan.FromDays(31);
        Assert.True(moved.Offset.ToTimeSpan() >= expected);
        foreach (var service in SystemFixture.Services)
        {
            var answer = await Eventually.GetAsync(async () =>
            {
                var t = await new Clock.ClockClient(system.Channel(service)).GetTimeAsync(new GetTimeRequest(), hq);
                return t.Offset.ToTimeSpan() >= expected ? t : null;
            }, $"{service} following the shared clock", TimeSpan.FromSeconds(10));
            Assert.Equal(service, answer.Service);
            Assert.True(answer.Now.ToDateTimeOffset() >= before.Now.ToDateTimeOffset() + TimeSpan.FromDays(31));
        }
    }

    [Fact]
    public async Task Only_hq_moves_the_clock()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await new Clock.ClockClient(system.Channel(ResourceNames.Penalty))
            .AdvanceAsync(new AdvanceRequest { By = Duration.FromTimeSpan(TimeSpan.FromHours(1)) }, system.As("S1", Roles.Salesperson, "B-SH", "R-EAST")));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        // Issue 21: a role attribute's refusal says who may call, not "Bad gRPC response. HTTP status code: 403".
        Assert.Contains("only hq may call this", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_clock_never_moves_backwards()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await new Clock.ClockClient(system.Channel(ResourceNames.Arbitration))
            .AdvanceAsync(new AdvanceRequest { By = Duration.FromTimeSpan(TimeSpan.FromHours(-1)) }, system.As("HQ-1", Roles.Hq)));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    /// <summary>Issue 21: Durations protobuf cannot convert (signs that differ, nanoseconds of a second or more, out of range) made the handler throw.</summary>
    [Theory]
    [InlineData(1L, -1)]
    [InlineData(0L, 2_000_000_000)]
    [InlineData(long.MaxValue - 1, 0)]
    [InlineData(long.MinValue + 1, 0)]
    [InlineData(315_576_000_001L, 999_999_999)]
    [InlineData(0L, 0)]
    public async Task A_step_that_is_not_a_valid_duration_forward_is_refused_by_field_and_moves_nothing(long seconds, int nanos)
    {
        var clock = new Clock.ClockClient(system.Channel(ResourceNames.Penalty));
        var hq = system.As("HQ-1", Roles.Hq);
        var before = await clock.GetTimeAsync(new GetTimeRequest(), hq);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await clock.AdvanceAsync(new AdvanceRequest { By = new Duration { Seconds = seconds, Nanos = nanos } }, hq));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("by", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before.Offset, (await clock.GetTimeAsync(new GetTimeRequest(), hq)).Offset);
    }
}
