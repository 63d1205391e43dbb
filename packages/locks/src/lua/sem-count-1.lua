-- Counts live semaphore leases (expired ones are ignored, not removed).
-- KEYS[1] holders zset
-- ARGV none
-- Returns the number of live leases
--- @include "server-time"
return redis.call('ZCOUNT', KEYS[1], '(' .. now_ms(), '+inf')
