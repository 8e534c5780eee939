using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerProtection.Time;

public static class PolicyInForceExtensions
{
    /// <summary>Now (the one <see cref="TimeProvider"/>), the policy in force (the book and the calendar) and the seam over both, <see cref="PolicyClock"/>.</summary>
    public static IHostApplicationBuilder AddPolicyInForce(this IHostApplicationBuilder builder)
    {
        builder.AddSharedClock();
        builder.AddPolicyCore();
        builder.Services.AddSingleton<PolicyClock>();
        return builder;
    }

    /// <summary>The clock's RPC (reads it everywhere, moves it where the clock is controllable) and hq's policy administration.</summary>
    public static IEndpointRouteBuilder MapPolicyInForce(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<ClockGrpcService>();
        app.MapGrpcService<PolicyAdminGrpcService>();
        return app;
    }
}
