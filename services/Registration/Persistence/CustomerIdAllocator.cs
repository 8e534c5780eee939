using System.Globalization;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Persistence;

/// <summary>
/// Customer ids: integers handed out from blocks reserved with one INCRBY (a hi/lo allocator), so a
/// filing costs no extra round trip, replicas never collide, and ids are short. Integer ids also
/// keep the near-duplicate candidate sets in Redis's compact integer-set encoding (a customer
/// sits in five or six of them) and let consecutive customers share a due-queue bucket
/// (docs/registration.md, memory per customer). An id lost with a crashed block is just never used.
/// </summary>
public sealed class CustomerIdAllocator(IConnectionMultiplexer redis) : IDisposable
{
    private const long BlockSize = 1000;
    /// <summary>The highest id handed out so far (ids are below or equal): where a walk of every customer ends.</summary>
    public static readonly RedisKey Counter = RegistrationKeys.Prefix + "customer-ids";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _next;
    private long _end;

    public async ValueTask<string> NextAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_next >= _end)
            {
                _end = await redis.GetDatabase().StringIncrementAsync(Counter, BlockSize) + 1;
                _next = _end - BlockSize;
            }

            return (_next++).ToString(CultureInfo.InvariantCulture);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
