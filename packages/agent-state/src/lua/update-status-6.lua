-- Sets a session's status unconditionally.
-- KEYS[1] state hash  KEYS[2..5] other session keys (TTL only)  KEYS[6] fence
-- ARGV[1] ttl seconds  ARGV[2] fencing token ('' = none)  ARGV[3] status
-- Returns the new version, or RSERR VALIDATION / NOT_FOUND / STALE_FENCING_TOKEN / CORRUPT_DATA
--- @include "fail"
--- @include "args"
--- @include "fence"
--- @include "server-time"
--- @include "touch"
--- @include "stored-int"
local ttl = int_arg(ARGV[1])
if ttl == nil or ARGV[3] == nil or ARGV[3] == '' then return fail('VALIDATION', 'update-status: bad arguments') end
local stored = redis.call('HGET', KEYS[1], 'version')
if not stored and redis.call('EXISTS', KEYS[1]) == 0 then return fail('NOT_FOUND', 'no session state to update') end
if stored and not stored_int(stored) then return fail('CORRUPT_DATA', 'session state has a non-integer version') end
if not check_fence(KEYS[6], ARGV[2]) then
  return fail('STALE_FENCING_TOKEN', 'fencing token ' .. ARGV[2] .. ' is older than the newest one seen for this session')
end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'updatedAt', now_ms())
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
touch(ttl)
return version
