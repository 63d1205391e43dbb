-- Gives back one semaphore lease.
-- KEYS[1] holders zset
-- ARGV[1] lease value
-- Returns 1 when a live lease was released, 0 when it had already expired or been released
--- @include "server-time"
local score = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]))
if score == nil then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
if score <= now_ms() then return 0 end
return 1
