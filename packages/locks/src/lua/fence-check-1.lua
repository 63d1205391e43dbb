-- Records a fencing token for a resource, rejecting one older than the newest seen.
-- KEYS[1] fence key of the resource
-- ARGV[1] fencing token (positive integer)
-- Returns the newest token now recorded, or RSERR STALE_FENCING_TOKEN (nothing written)
--- @include "fail"
--- @include "fence"
local t = tonumber(ARGV[1])
if t == nil or t < 1 or t ~= math.floor(t) then
  return fail('VALIDATION', 'fencing token must be a positive integer')
end
if not check_fence(KEYS[1], ARGV[1]) then
  return fail('STALE_FENCING_TOKEN', 'token ' .. ARGV[1] .. ' is older than ' .. (redis.call('GET', KEYS[1]) or '?'))
end
return tonumber(redis.call('GET', KEYS[1]))
