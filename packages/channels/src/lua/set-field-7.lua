-- Sets or clears one per-channel field (its pikkuUserId or its state) and refreshes its TTL.
-- KEYS: the 7 store keys (see includes/channel-keys.lua)
-- ARGV[1] escaped channel id, ARGV[2] ttl ms (0 = none), ARGV[3] field ('user' | 'state'),
-- ARGV[4] '1' set / '0' clear, ARGV[5] value when setting (user id, or state JSON kept opaque)
-- Returns 1, or 0 when the channel does not exist (nothing written)
--- @include "fail"
--- @include "server-time"
--- @include "channel-keys"
local id = ARGV[1]
local ttl = parse_ttl(ARGV[2])
local hash = ({ user = KEYS[3], state = KEYS[4] })[ARGV[3]]
if id == nil or id == '' then return fail('VALIDATION', 'channel id must not be empty') end
if ttl == nil then return fail('VALIDATION', 'ttl must be a non-negative integer') end
if hash == nil then return fail('VALIDATION', 'field must be user or state') end
if ARGV[4] ~= '0' and ARGV[4] ~= '1' then return fail('VALIDATION', 'mode must be 0 or 1') end
if ARGV[4] == '1' and (ARGV[5] == nil or ARGV[5] == '') then return fail('VALIDATION', ARGV[3] .. ' value must not be empty') end
local now = now_ms()
if not exists_live(id, now) then return 0 end
if ARGV[4] == '1' then
  redis.call('HSET', hash, id, ARGV[5])
else
  redis.call('HDEL', hash, id)
end
touch(id, now, ttl)
return 1
