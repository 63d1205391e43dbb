-- Drops a step's staged changes.
-- KEYS[1..4] session keys (TTL only)  KEYS[5] staging hash  KEYS[6] fence (TTL only)
-- ARGV[1] ttl seconds  ARGV[2] step id
-- Returns 1 when something was staged for the step, else 0
--- @include "fail"
--- @include "args"
--- @include "touch"
local ttl = int_arg(ARGV[1])
if ttl == nil or ARGV[2] == '' then return fail('VALIDATION', 'discard-staging: bad arguments') end
local removed = redis.call('HDEL', KEYS[5], ARGV[2])
if removed == 1 and redis.call('EXISTS', KEYS[1]) == 1 then touch(ttl) end
return removed
