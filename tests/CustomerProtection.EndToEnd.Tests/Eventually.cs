using System.Diagnostics;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// Waits for something asynchronous that is already on its way (an event crossing RabbitMQ), by
/// polling briefly. Never used to wait for a deadline: deadlines are reached by moving the clock.
/// </summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null) where T : class
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var watch = Stopwatch.StartNew();
        Exception? last = null;
        while (watch.Elapsed < limit)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Grpc.Core.RpcException ex) when (ex.StatusCode == Grpc.Core.StatusCode.NotFound)
            {
                last = ex;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{what} did not happen within {limit.TotalSeconds} s", last);
    }
}
