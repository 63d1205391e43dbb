-- Commits a promotion computed by the client: optimistic, guarded by the state version and
-- by the staged entry read (no WATCH). The client applied the JSON patches itself, so no user
-- JSON is decoded here.
-- KEYS[1] state hash  KEYS[2..4] other session keys (TTL only)  KEYS[5] staging hash  KEYS[6] fence
-- ARGV[1] ttl seconds  ARGV[2] step id  ARGV[3] expected version  ARGV[4] expected staged entry
-- ARGV[5] new customState JSON
-- Returns the new version, or 0 when the version or staged entry changed (caller retries),
-- or RSERR VALIDATION / NOT_FOUND / CORRUPT_DATA
--- @include "fail"
--- @include "args"
--- @include "server-time"
--- @include "touch"
--- @include "stored-int"
local ttl, expected = int_arg(ARGV[1]), int_arg(ARGV[3])
if ttl == nil or expected == nil or ARGV[2] == '' then return fail('VALIDATION', 'promote-staging: bad arguments') end
local version = redis.call('HGET', KEYS[1], 'version')
if not version then return fail('NOT_FOUND', 'no session state to promote into') end
if not stored_int(version) then return fail('CORRUPT_DATA', 'session state has a non-integer version') end
if tonumber(version) ~= expected or redis.call('HGET', KEYS[5], ARGV[2]) ~= ARGV[4] then return 0 end
redis.call('HSET', KEYS[1], 'customState', ARGV[5], 'updatedAt', now_ms())
local next_version = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HDEL', KEYS[5], ARGV[2])
touch(ttl)
return next_version
