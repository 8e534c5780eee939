using CustomerProtection.ServiceDefaults;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Platform.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace CustomerProtection.Time;

/// <summary>Every service answers what time it is; where the clock is controllable, hq can move it.</summary>
internal sealed class ClockGrpcService(TimeProvider time, ClockMode mode, ServiceIdentity service, IServiceProvider services) : Clock.ClockBase
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly TimeSpan MaxStep = TimeSpan.FromDays(3660);

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

        var by = request.By?.ToTimeSpan() ?? TimeSpan.Zero;
        if (by <= TimeSpan.Zero || by > MaxStep)
        {
            throw new RequestValidationException(new FieldViolation("by", "必须为正且不超过 3660 天 / must be positive and at most 3660 days"));
        }

        var offset = await services.GetRequiredService<SharedClockStore>().AdvanceAsync(by);
        services.GetRequiredService<SharedClock>().Observe(offset);
        return Describe();
    }

    private GetTimeResponse Describe()
    {
        var now = time.GetUtcNow();
        var today = Instant.FromDateTimeOffset(now).InZone(Shanghai).Date;
        return new GetTimeResponse
        {
            Now = Timestamp.FromDateTimeOffset(now),
            Today = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Offset = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(time is SharedClock shared ? shared.Offset : TimeSpan.Zero),
            Controllable = mode.Controllable,
            Service = service.Name,
        };
    }
}
