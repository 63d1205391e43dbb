-- Extends one semaphore lease, only while it is still live.
-- KEYS[1] holders zset
-- ARGV[1] lease value   ARGV[2] ttl ms
-- Returns the new expiry (server ms), or RSERR LOCK_LOST
--- @include "fail"
--- @include "server-time"
local ttl = tonumber(ARGV[2])
if ARGV[1] == '' or ttl == nil or ttl < 1 or ttl ~= math.floor(ttl) then
  return fail('VALIDATION', 'refresh needs a lease value and a positive integer ttl')
end
local now = now_ms()
local score = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]))
if score == nil or score <= now then
  return fail('LOCK_LOST', 'the semaphore lease expired or was released')
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], tonumber(last[2]))
return now + ttl
