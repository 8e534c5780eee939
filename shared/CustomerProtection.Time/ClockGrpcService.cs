using CustomerProtection.ServiceDefaults;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Platform.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using CustomerProtection.ServiceDefaults.Validation;
using NodaTime;

namespace CustomerProtection.Time;

/// <summary>Every service answers what time it is; where the clock is controllable, hq can move it.</summary>
internal sealed class ClockGrpcService(TimeProvider time, ClockMode mode, ServiceIdentity service, IServiceProvider services) : Clock.ClockBase
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly TimeSpan MaxStep = EdgeLimits.MaxDuration;

    public override Task<GetTimeResponse> GetTime(GetTimeRequest request, ServerCallContext context) =>
        Task.FromResult(Describe());

    [Authorize(Roles = Roles.Hq)]
    public override async Task<GetTimeResponse> Advance(AdvanceRequest request, ServerCallContext context)
    {
        if (!mode.Controllable)
        {
            throw new PolicyRefusalException("CLOCK", "时钟不可调 / the clock is not controllable in this deployment",
                new Dictionary<string, string> { ["setting"] = CustomerProtection.SharedConfigKeys.ControllableClock });
        }

        if (Step(request.By) is not { } by || by > MaxStep)
        {
            throw new RequestValidationException(new FieldViolation("by", "必须为正且不超过 3660 天 / must be positive and at most 3660 days"));
        }

        var offset = await services.GetRequiredService<SharedClockStore>().AdvanceAsync(by);
        services.GetRequiredService<SharedClock>().Observe(offset);
        return Describe();
    }

    /// <summary>
    /// A step forward: a Duration of protobuf's shape within the clock's range (the edge's check, made again here
    /// because the conversion throws on any other), and positive.
    /// </summary>
    private static TimeSpan? Step(Google.Protobuf.WellKnownTypes.Duration? by) =>
        by is { Seconds: >= 0, Nanos: >= 0 } d && EdgeLimits.IsWithinRange(d) && (d.Seconds > 0 || d.Nanos > 0)
            ? d.ToTimeSpan()
            : null;

    private GetTimeResponse Describe()
    {
        var now = time.GetUtcNow();
        var today = Instant.FromDateTimeOffset(now).InZone(Shanghai).Date;
        return new GetTimeResponse
        {
            Now = Timestamp.FromDateTimeOffset(now),
            Today = new Google.Type.Date { Year = today.Year, Month = today.Month, Day = today.Day },
            Offset = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(time is SharedClock shared ? shared.Offset : TimeSpan.Zero),
            Controllable = mode.Controllable,
            Service = service.Name,
        };
    }
}
