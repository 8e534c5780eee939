using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class LeanHttpClients
{
    /// <summary>
    /// A client without the defaults' resilience pipeline (rate limiter, timeouts, retries, circuit breaker, each
    /// execution metered) and log handlers, for callers that already own the retry: Territory's per-sale reads (a
    /// failed read fails the request and the caller asks again; <c>BoundedCalls</c> bounds the wait) and the
    /// notifications' robot posts (the outbox retries with backoff, so a retry inside one attempt would post a
    /// chat message twice).
    /// </summary>
    /// <remarks>
    /// <c>RemoveAllResilienceHandlers</c> is marked experimental (EXTEXP0001) in
    /// Microsoft.Extensions.Http.Resilience 10.11: it is the documented way to undo the defaults for
    /// one client; a change in a later version shows up here as a build error.
    /// </remarks>
#pragma warning disable EXTEXP0001
    public static IHttpClientBuilder Lean(this IHttpClientBuilder client) =>
        client.RemoveAllResilienceHandlers().RemoveAllLoggers();
#pragma warning restore EXTEXP0001
}
