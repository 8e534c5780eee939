using System.Diagnostics;
using CustomerProtection.ServiceDefaults;
using CustomerProtection.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;
using StackExchange.Redis;

namespace CustomerProtection.Territory.Tests;

/// <summary>
/// Redis commands become spans of the sampled traces only (ServiceDefaults' RedisCommandSpans, issue 5's
/// sale-authorisation speed): measured against a real redis-server with a real OpenTelemetry tracer provider.
/// </summary>
public sealed class RedisCommandSpansTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const string SourceName = "CustomerProtection.Tests.RedisSpans";
    private static readonly ActivitySource Source = new(SourceName);

    private sealed class Collected : BaseProcessor<Activity>
    {
        public List<Activity> Ended { get; } = [];

        public override void OnEnd(Activity data)
        {
            lock (Ended)
            {
                Ended.Add(data);
            }
        }
    }

    private static (TracerProvider Provider, RedisCommandSpans Spans, Collected Collected) Trace(Sampler sampler)
    {
        var spans = new RedisCommandSpans();
        var collected = new Collected();
        var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(SourceName, RedisCommandSpans.ActivitySourceName)
            .SetSampler(sampler)
            .AddProcessor(spans)
            .AddProcessor(collected)
            .Build();
        return (provider, spans, collected);
    }

    private async Task<IConnectionMultiplexer> ConnectAsync(RedisCommandSpans spans)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        connection.RegisterProfiler(spans.CurrentSession);
        return connection;
    }

    [Fact]
    public async Task The_commands_of_a_sampled_call_are_its_child_spans_and_its_parent_is_current_again_after_it()
    {
        var (provider, spans, collected) = Trace(new AlwaysOnSampler());
        using var _ = provider;
        using var connection = await ConnectAsync(spans);
        var db = connection.GetDatabase();

        using var request = Source.StartActivity("request")!;
        var call = Source.StartActivity("use case")!;
        await db.StringSetAsync("spans:a", "1");
        await db.StringGetAsync("spans:a");
        call.Stop();

        Assert.Same(request, Activity.Current);
        var commands = collected.Ended.Where(a => a.Source.Name == RedisCommandSpans.ActivitySourceName).ToList();
        Assert.Equal(["SET", "GET"], commands.Select(c => c.DisplayName));
        Assert.All(commands, c =>
        {
            Assert.Equal(call.SpanId, c.ParentSpanId);
            Assert.Equal(call.TraceId, c.TraceId);
            Assert.Equal(ActivityKind.Client, c.Kind);
            Assert.Equal("redis", c.GetTagItem("db.system.name"));
            Assert.Equal(redis.Port, c.GetTagItem("server.port"));
            Assert.True(c.Duration > TimeSpan.Zero);
            Assert.InRange(c.StartTimeUtc, call.StartTimeUtc.AddSeconds(-1), call.StartTimeUtc + call.Duration);
        });
    }

    [Fact]
    public async Task An_unsampled_call_like_an_aspnet_request_outside_the_ratio_profiles_nothing()
    {
        var (provider, spans, collected) = Trace(new AlwaysOffSampler());
        using var _ = provider;
        using var connection = await ConnectAsync(spans);

        // ASP.NET Core starts an Activity for every request (its log scopes), recorded or not.
        using var request = new Activity("Microsoft.AspNetCore.Hosting.HttpRequestIn").Start();
        Assert.False(request.Recorded);
        Assert.Null(spans.CurrentSession());
        await connection.GetDatabase().StringSetAsync("spans:b", "1");
        request.Stop();

        Assert.Empty(collected.Ended);
    }

    [Fact]
    public async Task Commands_outside_any_activity_are_not_profiled()
    {
        var (provider, spans, collected) = Trace(new AlwaysOnSampler());
        using var _ = provider;
        using var connection = await ConnectAsync(spans);

        Assert.Null(Activity.Current);
        Assert.Null(spans.CurrentSession());
        await connection.GetDatabase().StringSetAsync("spans:c", "1");

        Assert.Empty(collected.Ended);
    }
}
