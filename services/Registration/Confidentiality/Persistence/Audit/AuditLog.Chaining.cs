using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Persistence.Audit;

/// <summary>C-5 chaining: pending entries get their sequence numbers and hashes and move to the log in one script.</summary>
public sealed partial class AuditLog
{
    /// <summary>Chains up to <paramref name="max"/> pending entries; returns how many (0: nothing pending, or another chainer moved the head first).</summary>
    public async Task<int> ChainPendingAsync(int max = 256)
    {
        var db = Db;
        var stored = await db.StringGetAsync(AuditKeys.HeadKey);
        var head = ChainHead.Parse(stored);
        var pending = await db.StreamRangeAsync(AuditKeys.PendingKey, "-", "+", max);
        if (pending.Length == 0)
        {
            return 0;
        }

        var keys = new List<RedisKey> { AuditKeys.HeadKey, AuditKeys.LogKey, AuditKeys.PendingKey };
        var keyIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        int Key(RedisKey key)
        {
            var name = key.ToString();
            if (!keyIndex.TryGetValue(name, out var index))
            {
                keys.Add(key);
                index = keys.Count;
                keyIndex[name] = index;
            }

            return index;
        }

        // The head exactly as read (nothing before the first entry): the script compares it byte for byte.
        var args = new List<RedisValue>(3 + pending.Length * 16) { stored.IsNull ? "" : stored, RedisValue.Null, pending.Length };
        var current = head;
        foreach (var item in pending)
        {
            var record = AuditCodec.ParsePending(item);
            var sequence = current.Sequence + 1;
            var id = current.NextId(record.At.ToUnixTimeMilliseconds());
            var hash = AuditChainHash.Next(current.Hash, sequence, record);
            var customer = record.CustomerId is { Length: > 0 } c ? c : null;
            args.AddRange(
            [
                item.Id, id.ToString(),
                customer is null ? 0 : Key(AuditKeys.CustomerBlock(customer)),
                customer is null ? 0 : Key(AuditKeys.CustomerSortedSet(customer)),
                Key(AuditKeys.EmployeeIndex(record.EmployeeId)),
            ]);
            args.AddRange(AuditCodec.Stored(sequence, hash, record));
            current = new ChainHead(sequence, hash, id);
        }

        args[1] = current.Encoded;
        var applied = (int)await db.ScriptEvaluateAsync(AuditScripts.Chain, [.. keys], [.. args]);
        return applied == 1 ? pending.Length : 0;
    }

    /// <summary>Chains until nothing is pending (an incident lists affected customers from a complete log).</summary>
    public async Task ChainAllAsync()
    {
        // Everything appended before this call; what arrives meanwhile is the worker's.
        var last = await Db.StreamRangeAsync(AuditKeys.PendingKey, "-", "+", 1, Order.Descending);
        if (last.Length == 0)
        {
            return;
        }

        var until = LogId.Parse(last[0].Id!);
        for (var idle = 0; ;)
        {
            var first = await Db.StreamRangeAsync(AuditKeys.PendingKey, "-", "+", 1);
            if (first.Length == 0 || LogId.Parse(first[0].Id!).CompareTo(until) > 0)
            {
                return;
            }

            // 0: another chainer moved the head first (go again on top of it); never progressing is a fault.
            idle = await ChainPendingAsync() > 0 ? 0 : idle + 1;
            if (idle == 100)
            {
                throw new InvalidOperationException("The audit chain makes no progress: its head or log was changed outside the chainer.");
            }
        }
    }

    public async Task<long> PendingCountAsync() => await Db.StreamLengthAsync(AuditKeys.PendingKey);
}
