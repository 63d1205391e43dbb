-- Compare-and-set of a session's status.
-- KEYS[1] state hash  KEYS[2..6] other session keys (TTL only)
-- ARGV[1] ttl seconds  ARGV[2] next status  ARGV[3..] expected statuses
-- Returns 1 when the status was one of the expected ones and is now the next one, else 0
-- (also 0 when the session does not exist), or RSERR VALIDATION / CORRUPT_DATA
--- @include "fail"
--- @include "args"
--- @include "server-time"
--- @include "touch"
--- @include "stored-int"
local ttl = int_arg(ARGV[1])
if ttl == nil or ARGV[2] == nil or ARGV[2] == '' then return fail('VALIDATION', 'cas-status: bad arguments') end
local stored = redis.call('HMGET', KEYS[1], 'status', 'version')
local current = stored[1]
if not current then return 0 end
for i = 3, #ARGV do
  if ARGV[i] == current then
    if stored[2] and not stored_int(stored[2]) then return fail('CORRUPT_DATA', 'session state has a non-integer version') end
    redis.call('HSET', KEYS[1], 'status', ARGV[2], 'updatedAt', now_ms())
    redis.call('HINCRBY', KEYS[1], 'version', 1)
    touch(ttl)
    return 1
  end
end
return 0
