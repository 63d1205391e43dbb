-- Removes one subscription.
-- KEYS: the 7 store keys (see includes/channel-keys.lua)
-- ARGV[1] escaped channel id, ARGV[2] escaped topic
-- Returns 1 when the subscription existed (and was live), else 0
--- @include "fail"
--- @include "server-time"
--- @include "channel-keys"
local id = ARGV[1]
local topic = ARGV[2]
if id == nil or id == '' then return fail('VALIDATION', 'channel id must not be empty') end
if topic == nil or topic == '' then return fail('VALIDATION', 'topic must not be empty') end
local expired = is_expired(id, now_ms())
redis.call('ZREM', KEYS[7], id .. ':' .. topic)
local removed = redis.call('ZREM', KEYS[6], topic .. ':' .. id)
if expired then return 0 end
return removed
