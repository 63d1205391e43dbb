-- Increments a session's resume counter.
-- KEYS[1] state hash  KEYS[2..6] other session keys (TTL only)
-- ARGV[1] ttl seconds
-- Returns the new count, or RSERR VALIDATION / NOT_FOUND
--- @include "fail"
--- @include "args"
--- @include "server-time"
--- @include "touch"
local ttl = int_arg(ARGV[1])
if ttl == nil then return fail('VALIDATION', 'increment-resume: bad ttl') end
if redis.call('EXISTS', KEYS[1]) == 0 then return fail('NOT_FOUND', 'no session state to resume') end
local count = redis.call('HINCRBY', KEYS[1], 'resumeCount', 1)
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'updatedAt', now_ms())
touch(ttl)
return count
