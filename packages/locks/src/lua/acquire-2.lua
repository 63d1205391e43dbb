-- Takes the lock if nobody holds it and hands out the next fencing token.
-- KEYS[1] lock hash (value, owner, token, at; expires with the lease)
-- KEYS[2] fencing counter (no TTL: never reset, so tokens only grow)
-- ARGV[1] random lock value   ARGV[2] owner   ARGV[3] ttl ms
-- Returns {1, token, acquiredAtMs, expiresAtMs} when taken,
--         {0, remaining ttl ms of the current holder} when held by someone else
--- @include "fail"
--- @include "server-time"
local ttl = tonumber(ARGV[3])
if ARGV[1] == '' or ttl == nil or ttl < 1 or ttl ~= math.floor(ttl) then
  return fail('VALIDATION', 'acquire needs a lock value and a positive integer ttl')
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, redis.call('PTTL', KEYS[1])}
end
local token = redis.call('INCR', KEYS[2])
local now = now_ms()
redis.call('HSET', KEYS[1], 'value', ARGV[1], 'owner', ARGV[2], 'token', token, 'at', now)
redis.call('PEXPIRE', KEYS[1], ttl)
return {1, token, now, now + ttl}
