using Microsoft.Extensions.Time.Testing;
using static CustomerProtection.Policy.Tests.Cal;

namespace CustomerProtection.Policy.Tests;

/// <summary>policy.md: Asia/Shanghai for every date; "now" only from a TimeProvider.</summary>
public sealed class PolicyTimeTests
{
    [Fact]
    public void Time_today_is_the_shanghai_date_of_the_providers_now()
    {
        // 16:30 UTC on 02-14 is 00:30 on 02-15 in Shanghai.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 2, 14, 16, 30, 0, TimeSpan.Zero));
        Assert.Equal(D("2026-02-15"), PolicyTime.Today(clock));
        Assert.Equal(Instant.FromUtc(2026, 2, 14, 16, 30), PolicyTime.Now(clock));

        var earlier = new FakeTimeProvider(new DateTimeOffset(2026, 2, 14, 15, 59, 59, TimeSpan.Zero));
        Assert.Equal(D("2026-02-14"), PolicyTime.Today(earlier));
    }

    [Fact]
    public void Time_start_of_day_is_midnight_shanghai()
    {
        Assert.Equal(Instant.FromUtc(2026, 4, 9, 16, 0), PolicyTime.StartOfDay(D("2026-04-10")));
        Assert.Equal("Asia/Shanghai", PolicyTime.Shanghai.Id);
        Assert.Equal(D("2026-04-10"), PolicyTime.DateOf(Instant.FromUtc(2026, 4, 9, 16, 0)));
        Assert.Equal(D("2026-04-09"), PolicyTime.DateOf(Instant.FromUtc(2026, 4, 9, 15, 59, 59)));
    }
}
