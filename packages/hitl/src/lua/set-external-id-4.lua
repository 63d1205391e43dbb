-- Sets externalIds[pluginId or channel] = ext (and externalId when that key is the channel)
-- and indexes ext; an old value no longer on the record leaves the index.
-- KEYS[1] channel hash   KEYS[2] externalId hash   KEYS[3] externalIds hash
-- KEYS[4] external-id index hash
-- ARGV[1] id   ARGV[2] external id   ARGV[3] plugin id ('' = the request's channel)
-- Returns 1, or RSERR NOT_FOUND / VALIDATION / CORRUPT_DATA
--- @include "fail"
--- @include "ext-ids"
local id, ext = ARGV[1], ARGV[2]
if id == nil or id == '' or ext == nil or ext == '' or ARGV[3] == nil then
  return fail('VALIDATION', 'setExternalId needs an id and an external id')
end
local channel = redis.call('HGET', KEYS[1], id)
if not channel then return fail('NOT_FOUND', 'Unknown human request "' .. id .. '"') end
local key = ARGV[3] ~= '' and ARGV[3] or channel
local list = ext_decode(redis.call('HGET', KEYS[3], id) or '')
if not list then return fail('CORRUPT_DATA', 'human request "' .. id .. '" has unreadable external ids') end
local old
for i = 1, #list, 2 do
  if list[i] == key then old = list[i + 1]; list[i + 1] = ext end
end
if not old then list[#list + 1] = key; list[#list + 1] = ext end
local primary = redis.call('HGET', KEYS[2], id)
if key == channel then
  if primary and primary ~= ext and primary ~= old then
    -- a legacy externalId that differed from externalIds[channel] is replaced too
    local still = false
    for i = 2, #list, 2 do if list[i] == primary then still = true end end
    if not still and redis.call('HGET', KEYS[4], primary) == id then redis.call('HDEL', KEYS[4], primary) end
  end
  primary = ext
  redis.call('HSET', KEYS[2], id, ext)
end
redis.call('HSET', KEYS[3], id, ext_encode(list))
redis.call('HSET', KEYS[4], ext, id)
if old and old ~= ext and old ~= primary then
  for i = 2, #list, 2 do
    if list[i] == old then return 1 end
  end
  if redis.call('HGET', KEYS[4], old) == id then redis.call('HDEL', KEYS[4], old) end
end
return 1
