-- Sets or clears a channel's pikkuUserId and refreshes its TTL.
-- KEYS: the 7 store keys (see includes/channel-keys.lua)
-- ARGV[1] escaped channel id, ARGV[2] ttl ms (0 = none), ARGV[3] '1' set / '0' clear,
-- ARGV[4] user id (when setting)
-- Returns 1, or 0 when the channel does not exist (nothing written)
--- @include "fail"
--- @include "server-time"
--- @include "channel-keys"
local id = ARGV[1]
local ttl = parse_ttl(ARGV[2])
if id == nil or id == '' then return fail('VALIDATION', 'channel id must not be empty') end
if ttl == nil then return fail('VALIDATION', 'ttl must be a non-negative integer') end
if ARGV[3] == '1' and (ARGV[4] == nil or ARGV[4] == '') then return fail('VALIDATION', 'user id must not be empty') end
local now = now_ms()
if not exists_live(id, now) then return 0 end
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[3], id, ARGV[4])
else
  redis.call('HDEL', KEYS[3], id)
end
touch(id, now, ttl)
return 1
