-- Sets a notify delivery's externalId.
-- KEYS[1] notify delivery hash
-- ARGV[1] id   ARGV[2] external id
-- Returns 1, or RSERR NOT_FOUND / VALIDATION
--- @include "fail"
if ARGV[1] == '' or ARGV[2] == nil or ARGV[2] == '' then return fail('VALIDATION', 'needs an id and an external id') end
if redis.call('EXISTS', KEYS[1]) == 0 then return fail('NOT_FOUND', 'Unknown notify delivery "' .. ARGV[1] .. '"') end
redis.call('HSET', KEYS[1], 'ext', ARGV[2])
return 1
