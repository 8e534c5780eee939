using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Storage;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Workers;

/// <summary>
/// Drains the due-queue (architecture.md, Time): takes the entries whose instant has come, each with
/// a lease — its score pushed a minute ahead in the same script, so no other replica takes it
/// meanwhile — and hands them to <see cref="ProcessDue"/>, which re-checks the deadline and commits
/// with a version guard; a crash leaves the entry to be taken again when the lease runs out.
/// "Now" is the shared business clock, so moving the clock in a test makes deadlines due at once.
/// </summary>
public sealed class DueQueueWorker(CustomerStore store, ProcessDue handler, PolicyClock clock, LoopHealth health, ILogger<DueQueueWorker> logger)
    : SupervisedLoop(health, logger)
{
    private const int BatchSize = 512;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(500);
    private const int Parallelism = 64;

    // The top level (RegistrationKeys.Due) names the buckets with something due; each bucket's due
    // entries are leased and the bucket put back at its earliest deadline (a leased entry's is its lease's
    // end). The buckets' keys are built in the script: Redis is not a cluster here.
    private static readonly LuaScript Take = LuaScript.Prepare(
        """
        local taken = {}
        local buckets = redis.call('ZRANGEBYSCORE', @queue, '-inf', @now, 'LIMIT', 0, @count)
        for _, bucket in ipairs(buckets) do
          local entries = @prefix .. '{' .. bucket .. '}'
          local items = redis.call('ZRANGEBYSCORE', entries, '-inf', @now, 'LIMIT', 0, @count - #taken)
          for _, member in ipairs(items) do
            redis.call('ZADD', entries, @leaseUntil, member)
            taken[#taken + 1] = member
          end
          local first = redis.call('ZRANGE', entries, 0, 0, 'WITHSCORES')
          if first[2] then redis.call('ZADD', @queue, first[2], bucket) else redis.call('ZREM', @queue, bucket) end
          if #taken >= tonumber(@count) then break end
        end
        return taken
        """);

    protected override string Name => "due-queue";

    protected override async Task PassAsync(CancellationToken stoppingToken)
    {
        var taken = await TakeAsync();
        if (taken.Count > 0)
        {
            await Parallel.ForEachAsync(taken, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = stoppingToken },
                async (id, _) =>
                {
                    try
                    {
                        await handler.HandleAsync(id);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // One customer's failure must not stop the queue: it is taken again when its lease ends.
                        logger.LogWarning(ex, "Due work for customer {CustomerId} failed; it is retried when its lease ends", id);
                    }
                });
        }

        if (taken.Count < BatchSize)
        {
            await Task.Delay(IdlePoll, stoppingToken);
        }
    }

    /// <summary>The entries due now, leased to this replica.</summary>
    public async Task<IReadOnlyList<string>> TakeAsync()
    {
        var now = clock.Now;
        var result = await store.Db.ScriptEvaluateAsync(Take, new
        {
            queue = RegistrationKeys.Due,
            prefix = RegistrationKeys.DueEntriesPrefix,
            now = now.ToUnixTimeMilliseconds(),
            count = BatchSize,
            leaseUntil = (now + NodaTime.Duration.FromTimeSpan(Lease)).ToUnixTimeMilliseconds(),
        });
        return ((RedisResult[])result!).Select(r => (string)r!).ToList();
    }
}
