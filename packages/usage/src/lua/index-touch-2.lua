-- Adds or refreshes a session in the global session index (its own hash slot, run as a
-- separate command next to record-entry). Expiry uses this node's clock.
-- KEYS[1] sessions by id (zset, all scores 0, paged by lex)   KEYS[2] sessions by expiry (zset)
-- ARGV[1] session id   ARGV[2] ttl seconds (0 = never expires)
-- Returns 1
--- @include "fail"
--- @include "server-time"
--- @include "usage-args"
if ARGV[1] == nil or ARGV[1] == '' then return fail('VALIDATION', 'session id must not be empty') end
if not is_uint(ARGV[2]) then return fail('VALIDATION', 'ttl must be a non-negative integer') end
local expiry = '+inf'
if ARGV[2] ~= '0' then expiry = tostring(now_ms() + tonumber(ARGV[2]) * 1000) end
redis.call('ZADD', KEYS[1], 0, ARGV[1])
redis.call('ZADD', KEYS[2], expiry, ARGV[1])
return 1
