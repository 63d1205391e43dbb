-- Replaces (ARGV[3] = '1') or clears (ARGV[3] = '0') a channel's state; refreshes its TTL.
-- KEYS: the 7 store keys (see includes/channel-keys.lua)
-- ARGV[1] escaped channel id, ARGV[2] ttl ms (0 = none), ARGV[3] mode, ARGV[4] state JSON
-- Returns 1, or 0 when the channel does not exist (nothing written)
--- @include "fail"
--- @include "server-time"
--- @include "channel-keys"
local id = ARGV[1]
local ttl = parse_ttl(ARGV[2])
if id == nil or id == '' then return fail('VALIDATION', 'channel id must not be empty') end
if ttl == nil then return fail('VALIDATION', 'ttl must be a non-negative integer') end
if ARGV[3] ~= '0' and ARGV[3] ~= '1' then return fail('VALIDATION', 'mode must be 0 or 1') end
if ARGV[3] == '1' and ARGV[4] == nil then return fail('VALIDATION', 'state is missing') end
local now = now_ms()
if not exists_live(id, now) then return 0 end
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[4], id, ARGV[4])
else
  redis.call('HDEL', KEYS[4], id)
end
touch(id, now, ttl)
return 1
