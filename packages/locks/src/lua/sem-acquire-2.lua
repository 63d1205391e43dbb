-- Takes one of `limit` slots of a counting semaphore and hands out the next fencing token.
-- KEYS[1] holders zset (member = random lease value, score = expiry ms)
-- KEYS[2] fencing counter (no TTL)
-- ARGV[1] lease value   ARGV[2] ttl ms   ARGV[3] limit
-- Returns {1, token, acquiredAtMs, expiresAtMs} when taken,
--         {0, ms until the earliest lease expires} when all slots are held
--- @include "fail"
--- @include "server-time"
local ttl = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
if ARGV[1] == '' or ttl == nil or ttl < 1 or ttl ~= math.floor(ttl)
  or limit == nil or limit < 1 or limit ~= math.floor(limit) then
  return fail('VALIDATION', 'semaphore acquire needs a lease value, a positive ttl and a positive limit')
end
local now = now_ms()
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, math.max(1, tonumber(first[2]) - now)}
end
local token = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], tonumber(last[2]))
return {1, token, now, now + ttl}
