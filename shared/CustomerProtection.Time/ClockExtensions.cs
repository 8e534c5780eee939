using CustomerProtection.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CustomerProtection.Time;

public static class ClockExtensions
{
    /// <summary>
    /// <see cref="TimeProvider"/> is the only source of "now" (architecture.md, Time). Production:
    /// the machine clock. With <c>Clock:Controllable=true</c>: the shared, movable clock.
    /// </summary>
    public static IHostApplicationBuilder AddSharedClock(this IHostApplicationBuilder builder)
    {
        var controllable = builder.Configuration.GetValue<bool>(CustomerProtection.SharedConfigKeys.ControllableClock);
        builder.Services.AddSingleton(new ClockMode(controllable));
        if (!controllable)
        {
            builder.Services.AddSingleton(TimeProvider.System);
            return builder;
        }

        builder.Services.AddSingleton(new SharedClock(TimeProvider.System));
        builder.Services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<SharedClock>());
        builder.Services.AddSingleton<SharedClockStore>();
        builder.Services.TryAddSingleton<LoopHealth>();
        builder.Services.AddHostedService<SharedClockSync>();
        return builder;
    }
}

public sealed record ClockMode(bool Controllable);
