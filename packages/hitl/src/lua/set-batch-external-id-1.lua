-- Sets a batch's externalIds[pluginId or channel] = ext (and externalId for the channel).
-- KEYS[1] batch hash
-- ARGV[1] id   ARGV[2] external id   ARGV[3] plugin id ('' = the batch's channel)
-- Returns 1, or RSERR NOT_FOUND / VALIDATION
--- @include "fail"
if ARGV[1] == '' or ARGV[2] == nil or ARGV[2] == '' then return fail('VALIDATION', 'needs an id and an external id') end
local channel = redis.call('HGET', KEYS[1], 'channel')
if not channel then return fail('NOT_FOUND', 'Unknown batch "' .. ARGV[1] .. '"') end
local key = ARGV[3] ~= '' and ARGV[3] or channel
redis.call('HSET', KEYS[1], 'x:' .. key, ARGV[2])
if key == channel then redis.call('HSET', KEYS[1], 'ext', ARGV[2]) end
return 1
