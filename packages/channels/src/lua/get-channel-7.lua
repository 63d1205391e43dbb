-- Reads a channel and refreshes its TTL.
-- KEYS: the 7 store keys (see includes/channel-keys.lua)
-- ARGV[1] escaped channel id, ARGV[2] ttl ms (0 = none)
-- Returns {channelName, openingData or false, pikkuUserId or false}, or false when missing
--- @include "fail"
--- @include "server-time"
--- @include "channel-keys"
local id = ARGV[1]
local ttl = parse_ttl(ARGV[2])
if id == nil or id == '' then return fail('VALIDATION', 'channel id must not be empty') end
if ttl == nil then return fail('VALIDATION', 'ttl must be a non-negative integer') end
local now = now_ms()
if not exists_live(id, now) then return false end
touch(id, now, ttl)
return {
  redis.call('HGET', KEYS[1], id),
  redis.call('HGET', KEYS[2], id),
  redis.call('HGET', KEYS[3], id),
}
