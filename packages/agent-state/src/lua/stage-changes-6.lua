-- Appends one staged change to a step's staging entry (a JSON array kept as text; the
-- change itself is opaque and never decoded).
-- KEYS[1] state hash  KEYS[2..4] other session keys (TTL only)  KEYS[5] staging hash  KEYS[6] fence
-- ARGV[1] ttl seconds  ARGV[2] step id  ARGV[3] change JSON (an object)
-- Returns the staged entry's length in bytes, or RSERR VALIDATION / NOT_FOUND
--- @include "fail"
--- @include "args"
--- @include "touch"
local ttl = int_arg(ARGV[1])
if ttl == nil or ARGV[2] == '' or string.sub(ARGV[3], 1, 1) ~= '{' then
  return fail('VALIDATION', 'stage-changes: bad arguments')
end
if redis.call('EXISTS', KEYS[1]) == 0 then return fail('NOT_FOUND', 'no session state: save it before staging') end
local current = redis.call('HGET', KEYS[5], ARGV[2])
local next_value
if current then
  next_value = string.sub(current, 1, -2) .. ',' .. ARGV[3] .. ']'
else
  next_value = '[' .. ARGV[3] .. ']'
end
redis.call('HSET', KEYS[5], ARGV[2], next_value)
touch(ttl)
return string.len(next_value)
