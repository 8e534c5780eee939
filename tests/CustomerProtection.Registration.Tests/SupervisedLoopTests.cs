using CustomerProtection.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Tests;

/// <summary>
/// The supervision every background loop runs under (issue 19): a pass that throws anything — not only a
/// Redis error — is reported as degraded and retried; the loop goes on until the host stops it.
/// </summary>
public sealed class SupervisedLoopTests
{
    /// <summary>Fails its first passes with the faults seen under outages, then succeeds.</summary>
    private sealed class FlakyLoop(LoopHealth health, Exception[] faults) : SupervisedLoop(health, NullLogger.Instance)
    {
        public int Passes;
        public readonly TaskCompletionSource<bool> Degraded = new(), Recovered = new();

        protected override string Name => "flaky";

        protected override Task PassAsync(CancellationToken stoppingToken)
        {
            var pass = Interlocked.Increment(ref Passes);
            if (pass <= faults.Length)
            {
                throw faults[pass - 1];
            }

            Recovered.TrySetResult(true);
            return Task.Delay(10, stoppingToken);
        }
    }

    [Fact]
    public async Task A_loop_that_fails_with_any_fault_is_degraded_then_healthy_again_and_never_ends_before_the_host()
    {
        var health = new LoopHealth();
        var faults = new Exception[]
        {
            new RedisTimeoutException("timeout", CommandStatus.Sent),
            new TaskCanceledException("a publish that never confirmed"),
            new InvalidOperationException("anything else"),
        };
        var loop = new FlakyLoop(health, faults);
        using var stop = new CancellationTokenSource();

        await loop.StartAsync(stop.Token);
        var firstFailure = await WaitForAsync(() => health.Failing.ContainsKey("flaky"));
        Assert.True(firstFailure);
        Assert.Equal(HealthStatus.Degraded, (await health.CheckHealthAsync(new HealthCheckContext())).Status);

        await loop.Recovered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(await WaitForAsync(() => health.Failing.Count == 0));
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        Assert.False(loop.ExecuteTask!.IsCompleted);

        await loop.StopAsync(CancellationToken.None);
        Assert.True(loop.ExecuteTask.IsCompletedSuccessfully);
        Assert.True(loop.Passes > faults.Length);
    }

    /// <summary>A pass stuck on a call that ignores the stop, as a Redis call to a server already gone does until its timeout.</summary>
    private sealed class StuckLoop(LoopHealth health) : SupervisedLoop(health, NullLogger.Instance)
    {
        public readonly TaskCompletionSource<bool> Entered = new();
        public readonly TaskCompletionSource<bool> Released = new();

        protected override string Name => "stuck";

        protected override async Task PassAsync(CancellationToken stoppingToken)
        {
            Entered.TrySetResult(true);
            await Released.Task;
        }
    }

    [Fact]
    public async Task A_stop_does_not_wait_for_a_pass_stuck_on_a_call_that_ignores_it()
    {
        var loop = new StuckLoop(new LoopHealth());
        await loop.StartAsync(CancellationToken.None);
        await loop.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var stop = loop.StopAsync(CancellationToken.None);

        // The stop completes while the stuck call is still pending: the loop left it behind.
        Assert.Same(stop, await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(30))));
        Assert.False(loop.Released.Task.IsCompleted);
        Assert.True(loop.ExecuteTask!.IsCompletedSuccessfully);
        loop.Released.SetResult(true);
    }

    private static async Task<bool> WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        return condition();
    }
}

/// <summary>Storage that is gone reaches the caller as UNAVAILABLE (a retry is safe), not as UNKNOWN.</summary>
public sealed class StorageUnavailableTests
{
    [Fact]
    public async Task A_call_made_while_redis_is_down_is_unavailable()
    {
        // A port nothing listens on: the connection is never made, the command fails as it would in an outage.
        var options = ConfigurationOptions.Parse("127.0.0.1:1");
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 200;
        options.SyncTimeout = 200;
        options.AsyncTimeout = 200;
        using var down = await ConnectionMultiplexer.ConnectAsync(options);

        var failure = await Assert.ThrowsAnyAsync<RedisException>(() => down.GetDatabase().StringGetAsync("k"));
        var status = CustomerProtection.ServiceDefaults.Errors.DomainErrorInterceptor.Translate(failure);

        Assert.Equal(global::Grpc.Core.StatusCode.Unavailable, status?.StatusCode);
    }

    [Theory]
    [InlineData("LOADING Redis is loading the dataset in memory", global::Grpc.Core.StatusCode.Unavailable)]
    [InlineData("BUSY Redis is busy running a script", global::Grpc.Core.StatusCode.Unavailable)]
    [InlineData("ERR wrong number of arguments", null)]
    public void A_redis_that_is_restarting_is_unavailable_and_a_command_error_is_not_hidden(string message, global::Grpc.Core.StatusCode? expected)
    {
        var status = CustomerProtection.ServiceDefaults.Errors.DomainErrorInterceptor.Translate(new RedisServerException(message));

        Assert.Equal(expected, status?.StatusCode);
    }
}
