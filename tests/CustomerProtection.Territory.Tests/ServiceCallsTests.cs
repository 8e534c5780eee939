using System.Net;
using CustomerProtection.Registration.V1;
using CustomerProtection.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CustomerProtection.Territory.Tests;

/// <summary>
/// The one service-to-service authentication (ServiceCalls): what a call carries when it acts for the
/// caller (Territory → Registration) and when it acts as the service (Arbitration's reads).
/// </summary>
public sealed class ServiceCallsTests
{
    /// <summary>Records the Authorization header of the one request and answers nothing (the call then fails).</summary>
    private sealed class Recorder : HttpMessageHandler
    {
        public string? Authorization { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorization = request.Headers.Authorization?.ToString();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        }
    }

    private static async Task<string?> AuthorizationOfAsync(Func<IHttpClientBuilder, IHttpClientBuilder> authenticate, Action<HostApplicationBuilder>? configure = null, string? callerHeader = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Auth:SigningKey"] = Convert.ToBase64String(new byte[32]);
        configure?.Invoke(builder);
        var recorder = new Recorder();
        authenticate(builder.Services.AddGrpcClient<Ownership.OwnershipClient>(o => o.Address = new Uri("http://127.0.0.1:1")))
            .ConfigurePrimaryHttpMessageHandler(() => recorder);
        using var host = builder.Build();
        if (callerHeader is not null)
        {
            var context = new DefaultHttpContext();
            context.Request.Headers.Authorization = callerHeader;
            host.Services.GetRequiredService<IHttpContextAccessor>().HttpContext = context;
        }

        await Assert.ThrowsAsync<RpcException>(() => host.Services.GetRequiredService<Ownership.OwnershipClient>().GetOwnershipAsync(new GetOwnershipRequest { CustomerId = "1" }).ResponseAsync);
        return recorder.Authorization;
    }

    [Fact]
    public async Task A_call_for_the_caller_carries_the_callers_own_token_and_none_without_a_caller()
    {
        Assert.Equal("Bearer caller-token", await AuthorizationOfAsync(c => c.ActForTheCaller(), callerHeader: "Bearer caller-token"));
        Assert.Null(await AuthorizationOfAsync(c => c.ActForTheCaller()));
    }

    [Fact]
    public async Task A_call_as_the_service_carries_the_service_accounts_token_as_hq()
    {
        var authorization = await AuthorizationOfAsync(c => c.ActAsTheService(), b =>
        {
            b.Configuration["Svc:Account:EmployeeId"] = "svc-test";
            b.AddServiceAccount("Svc:Account", "svc-default");
        });

        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        var token = new JsonWebToken(authorization!["Bearer ".Length..]);
        Assert.Equal(("svc-test", "hq"), (token.Subject, token.GetClaim("role").Value));
    }
}
