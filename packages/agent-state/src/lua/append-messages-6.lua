-- Appends messages to a session's history: O(k) for k messages.
-- KEYS[1] state hash  KEYS[2] messages list  KEYS[3..5] other session keys (TTL only)  KEYS[6] fence
-- ARGV[1] ttl seconds  ARGV[2] fencing token ('' = none)  ARGV[3..] message JSONs
-- Returns the history length, or RSERR VALIDATION / NOT_FOUND / STALE_FENCING_TOKEN
--- @include "fail"
--- @include "args"
--- @include "fence"
--- @include "server-time"
--- @include "touch"
--- @include "push-argv"
local ttl = int_arg(ARGV[1])
if ttl == nil then return fail('VALIDATION', 'append-messages: bad ttl') end
-- HLEN and LLEN fail on a key of another type, so they run before the first write (the fence
-- SET included): Redis keeps a script's earlier writes when a later command fails.
if redis.call('HLEN', KEYS[1]) == 0 then return fail('NOT_FOUND', 'no session state: save it first') end
local count = redis.call('LLEN', KEYS[2])
if not check_fence(KEYS[6], ARGV[2]) then
  return fail('STALE_FENCING_TOKEN', 'fencing token ' .. ARGV[2] .. ' is older than the newest one seen for this session')
end
push_argv(KEYS[2], 3, #ARGV)
redis.call('HSET', KEYS[1], 'updatedAt', now_ms())
touch(ttl)
return count + #ARGV - 2
