namespace CustomerProtection.Registration.Confidentiality.Persistence.Audit;

/// <summary>The audit log's two Lua scripts: chaining pending entries onto the log, and reading a customer's entries from its index.</summary>
internal static class AuditScripts
{
    // KEYS: head, log, pending, index keys. ARGV: expected head, new head, count, then per entry the
    // pending id, log id, the positions of its customer block, customer sorted set and employee index
    // keys (0: none) and the 11 stored fields (the 6th is the customer id, its field in the block).
    // The head check comes first and nothing is written when it fails.
    public static readonly string Chain =
        $$"""
        if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
        local function index_customer(block, set, customer, n, sid)
          local token = n .. ':' .. sid
          local tokens = redis.call('HGET', block, customer)
          if tokens == '{{AuditKeys.SpilledMarker}}' then
            redis.call('ZADD', set, n, sid)
          elseif not tokens then
            -- A customer indexed by a version before the blocks has only its sorted set: it stays there.
            if redis.call('EXISTS', set) == 1 then redis.call('ZADD', set, n, sid) else redis.call('HSET', block, customer, token) end
          elseif #tokens + 1 + #token <= {{AuditKeys.SpillBytes}} then
            redis.call('HSET', block, customer, tokens .. ' ' .. token)
          else
            for s, id in string.gmatch(tokens, '(%d+):(%S+)') do redis.call('ZADD', set, s, id) end
            redis.call('ZADD', set, n, sid)
            redis.call('HSET', block, customer, '{{AuditKeys.SpilledMarker}}')
          end
        end
        local a = 4
        for i = 1, tonumber(ARGV[3]) do
          local sid = ARGV[a + 1]
          local bi = tonumber(ARGV[a + 2])
          local si = tonumber(ARGV[a + 3])
          local ei = tonumber(ARGV[a + 4])
          local n = ARGV[a + 5]
          redis.call('XADD', KEYS[2], sid, 'n', n, 'h', ARGV[a + 6], 'a', ARGV[a + 7], 'w', ARGV[a + 8], 'r', ARGV[a + 9],
            'c', ARGV[a + 10], 'k', ARGV[a + 11], 'f', ARGV[a + 12], 'p', ARGV[a + 13], 'm', ARGV[a + 14], 'd', ARGV[a + 15])
          if bi > 0 then index_customer(KEYS[bi], KEYS[si], ARGV[a + 10], n, sid) end
          if ei > 0 then redis.call('ZADD', KEYS[ei], n, sid) end
          redis.call('XDEL', KEYS[3], ARGV[a])
          a = a + 16
        end
        redis.call('SET', KEYS[1], ARGV[2])
        return 1
        """;

    // KEYS: the customer's block, its sorted set. ARGV: customer id, first sequence number, the one
    // beyond the range, at most how many. Returns the log ids, in sequence order. A missing field is
    // also a customer indexed by a version before the blocks (only a sorted set): read as it was
    // written, so that data needs no migration.
    public const string CustomerEntries =
        $$"""
        local tokens = redis.call('HGET', KEYS[1], ARGV[1])
        if not tokens or tokens == '{{AuditKeys.SpilledMarker}}' then
          return redis.call('ZRANGE', KEYS[2], ARGV[2], '(' .. ARGV[3], 'BYSCORE', 'LIMIT', 0, ARGV[4])
        end
        local start, beyond, size = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
        local ids = {}
        for s, id in string.gmatch(tokens, '(%d+):(%S+)') do
          local n = tonumber(s)
          if n >= beyond then break end
          if n >= start then
            ids[#ids + 1] = id
            if #ids == size then break end
          end
        end
        return ids
        """;
}
