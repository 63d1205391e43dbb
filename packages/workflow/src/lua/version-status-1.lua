-- version-status: changes the status of a stored workflow version.
-- KEYS: 1 version hash
-- ARGV: 1 status (draft | active | declined)
-- Returns: 1 when updated, 0 when the version does not exist.
--- @include "fail"
if ARGV[1] ~= 'draft' and ARGV[1] ~= 'active' and ARGV[1] ~= 'declined' then
  return fail('VALIDATION', 'unknown version status ' .. tostring(ARGV[1]))
end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1])
return 1
