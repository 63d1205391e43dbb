-- Increments a session's resume counter.
-- KEYS[1] state hash  KEYS[2..6] other session keys (TTL only)
-- ARGV[1] ttl seconds
-- Returns the new count, or RSERR VALIDATION / NOT_FOUND / CORRUPT_DATA
--- @include "fail"
--- @include "args"
--- @include "server-time"
--- @include "touch"
--- @include "stored-int"
local ttl = int_arg(ARGV[1])
if ttl == nil then return fail('VALIDATION', 'increment-resume: bad ttl') end
local stored = redis.call('HMGET', KEYS[1], 'resumeCount', 'version')
if not stored[1] and not stored[2] and redis.call('EXISTS', KEYS[1]) == 0 then
  return fail('NOT_FOUND', 'no session state to resume')
end
if (stored[1] and not stored_int(stored[1])) or (stored[2] and not stored_int(stored[2])) then
  return fail('CORRUPT_DATA', 'session state has a non-integer resumeCount or version')
end
local count = redis.call('HINCRBY', KEYS[1], 'resumeCount', 1)
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'updatedAt', now_ms())
touch(ttl)
return count
