using CustomerProtection.Registration.V1;
using CustomerProtection.Territory.Clients;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace CustomerProtection.Territory.Tests;

/// <summary>
/// The Registration hop on every sale authorisation (issue 5 speed): no resilience pipeline and no
/// per-request log handlers on Territory's Registration clients, and the wait bounded by Territory's
/// own timeout on the TimeProvider.
/// </summary>
public sealed class RegistrationClientTests
{
    private static List<string> HandlerChain(IServiceProvider services, string clientName)
    {
        var chain = new List<string>();
        HttpMessageHandler? handler = services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(clientName);
        while (handler is not null)
        {
            chain.Add(handler.GetType().Name);
            handler = (handler as DelegatingHandler)?.InnerHandler;
        }

        return chain;
    }

    [Fact]
    public void The_Registration_clients_carry_neither_the_default_resilience_pipeline_nor_the_log_handlers()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:" + ResourceNames.Redis] = "127.0.0.1:1,abortConnect=false";
        builder.Configuration["ConnectionStrings:" + ResourceNames.Messaging] = "amqp://guest:guest@127.0.0.1:1";
        builder.Configuration["Auth:SigningKey"] = Convert.ToBase64String(new byte[32]);
        builder.Configuration[SharedConfigKeys.ConfidentialityActiveKey] = "k1";
        builder.Configuration[SharedConfigKeys.ConfidentialityKeys + ":k1"] = Convert.ToBase64String(new byte[32]);
        builder.AddServiceDefaults(ResourceNames.Territory);
        builder.AddTerritoryServices();
        using var host = builder.Build();

        var ownership = HandlerChain(host.Services, nameof(Ownership.OwnershipClient));
        var customers = HandlerChain(host.Services, nameof(Customers.CustomersClient));
        var anyOther = HandlerChain(host.Services, "any-other-client");

        // Another client still gets the service defaults, so the check below would see them.
        Assert.Contains(nameof(ResilienceHandler), anyOther);
        Assert.Contains("LoggingScopeHttpMessageHandler", anyOther);
        foreach (var chain in new[] { ownership, customers })
        {
            Assert.DoesNotContain(nameof(ResilienceHandler), chain);
            Assert.DoesNotContain(chain, h => h.StartsWith("Logging", StringComparison.Ordinal));
            Assert.Contains(chain, h => h.Contains("Resolving", StringComparison.Ordinal)); // service discovery stays
        }
    }

    [Fact]
    public async Task A_Registration_call_that_outlasts_the_timeout_fails_with_Unavailable_when_the_clock_passes_it()
    {
        var time = new FakeTimeProvider();
        var calls = new RegistrationCalls(time, TimeSpan.FromSeconds(5));
        var started = new TaskCompletionSource();

        var pending = calls.CallAsync<string>(async ct =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            throw new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client."));
        }, CancellationToken.None);
        await started.Task;
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));

        var error = await Assert.ThrowsAsync<RpcException>(() => pending);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("within 5 s", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_caller_who_gives_up_gets_Cancelled_and_an_answer_in_time_passes_through()
    {
        var time = new FakeTimeProvider();
        var calls = new RegistrationCalls(time, TimeSpan.FromSeconds(5));
        using var caller = new CancellationTokenSource();

        var pending = calls.CallAsync<string>(async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            throw new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client."));
        }, caller.Token);
        await caller.CancelAsync();

        Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => pending)).StatusCode);
        Assert.Equal("owner", await calls.CallAsync(_ => Task.FromResult("owner"), CancellationToken.None));
    }
}
