namespace CustomerProtection.Storage;

/// <summary>
/// The one Lua script behind every <see cref="AtomicChange"/>: every check runs before the first write,
/// and checks never write, so a refused change writes nothing; an accepted one writes everything,
/// outbox entries included, in one step no other command can interleave with (architecture.md).
/// </summary>
internal static class ChecksBeforeWrites
{
    // ARGV: check count, checks (op, key index, args...), write count, writes (op, key index, args...).
    // A refusal is {0, op, what the check found, the key}; success is {1}.
    public const string Script =
        """
        local a = 1
        local function take() local v = ARGV[a]; a = a + 1; return v end
        -- A due-queue's top level holds each bucket at its earliest deadline, or not at all when empty.
        local function settle(entries, top, bucket)
          local first = redis.call('ZRANGE', entries, 0, 0, 'WITHSCORES')
          if first[2] then redis.call('ZADD', top, first[2], bucket) else redis.call('ZREM', top, bucket) end
        end
        local checks = tonumber(take())
        for i = 1, checks do
          local op = take()
          local k = KEYS[tonumber(take())]
          if op == 'free' then
            local field = take()
            local expected = take()
            local current = redis.call('HGET', k, field)
            if current and current ~= expected then return {0, op, current, k} end
          elseif op == 'same' then
            local expected = take()
            local current = redis.call('GET', k)
            if current and current ~= expected then return {0, op, 'changed', k} end
          elseif op == 'fsame' then
            local field = take()
            local expected = take()
            local current = redis.call('HGET', k, field)
            if current and current ~= expected then return {0, op, 'changed', k} end
          elseif op == 'ver' then
            local expected = take()
            local current = redis.call('HGET', k, 'v') or '0'
            if current ~= expected then return {0, op, current, k} end
          elseif op == 'cap' then
            local after = take()
            local cap = tonumber(take())
            local less = tonumber(take())
            -- Scored after the given score and below +inf (+inf marks a member that does not count yet).
            local counted = redis.call('ZCOUNT', k, '(' .. after, '(+inf')
            if less > 0 then counted = counted - redis.call('ZCOUNT', KEYS[less], '(' .. after, '(+inf') end
            if counted >= cap then return {0, op, tostring(counted), k} end
          elseif op == 'quota' then
            local limit = tonumber(take())
            local current = tonumber(redis.call('GET', k) or '0')
            if current >= limit then return {0, op, tostring(current), k} end
          elseif op == 'once' then
            local member = take()
            if redis.call('SISMEMBER', k, member) == 1 then return {0, op, member, k} end
          end
        end
        local writes = tonumber(take())
        for i = 1, writes do
          local op = take()
          local k = KEYS[tonumber(take())]
          if op == 'put' then
            local version = take()
            local data = take()
            redis.call('HSET', k, 'v', version, 'd', data)
          elseif op == 'set' then
            redis.call('SET', k, take())
          elseif op == 'hash' then
            local n = tonumber(take())
            local fields = {}
            for j = 1, n * 2 do fields[j] = take() end
            redis.call('DEL', k)
            if n > 0 then redis.call('HSET', k, unpack(fields)) end
          elseif op == 'hset' then
            local field = take()
            redis.call('HSET', k, field, take())
          elseif op == 'happend' then
            local field = take()
            local member = take()
            local current = redis.call('HGET', k, field)
            if current then redis.call('HSET', k, field, current .. ' ' .. member) else redis.call('HSET', k, field, member) end
          elseif op == 'sadd' then
            redis.call('SADD', k, take())
          elseif op == 'saddcap' then
            local member = take()
            if redis.call('SCARD', k) < tonumber(take()) then redis.call('SADD', k, member) end
          elseif op == 'srem' then
            redis.call('SREM', k, take())
          elseif op == 'zadd' then
            local score = take()
            redis.call('ZADD', k, score, take())
          elseif op == 'zrem' then
            redis.call('ZREM', k, take())
          elseif op == 'dueadd' or op == 'duerem' then
            local top = KEYS[tonumber(take())]
            local bucket = take()
            if op == 'dueadd' then
              local score = take()
              redis.call('ZADD', k, score, take())
            else
              redis.call('ZREM', k, take())
            end
            settle(k, top, bucket)
          elseif op == 'zprune' then
            redis.call('ZREMRANGEBYSCORE', k, '-inf', take())
          elseif op == 'incr' then
            local ttl = take()
            redis.call('INCR', k)
            redis.call('EXPIRE', k, ttl)
          elseif op == 'xadd' then
            local id = take()
            local type = take()
            local body = take()
            local traceparent = take()
            redis.call('XADD', k, '*', 'id', id, 'type', type, 'body', body, 'traceparent', traceparent)
          end
        end
        return {1}
        """;
}
