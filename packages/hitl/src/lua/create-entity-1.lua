-- Stores a batch or notify delivery hash with createdAt, refusing an existing id.
-- KEYS[1] entity hash
-- ARGV[1] id   ARGV[2] entity label for errors ('batch', 'notify delivery')   ARGV[3..] field/value pairs
-- Returns createdAt (ISO-8601, server clock), or RSERR DUPLICATE_ID / VALIDATION
--- @include "fail"
--- @include "server-time"
--- @include "iso-time"
if ARGV[1] == '' or #ARGV < 4 or (#ARGV - 2) % 2 ~= 0 then
  return fail('VALIDATION', 'create needs an id and field/value pairs')
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return fail('DUPLICATE_ID', ARGV[2] .. ' "' .. ARGV[1] .. '" already exists')
end
local created_at = iso_utc(now_ms())
local fields = { 'createdAt', created_at }
for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
return created_at
