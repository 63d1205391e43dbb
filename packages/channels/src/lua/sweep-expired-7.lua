-- Removes channels whose TTL passed (with state and subscriptions).
-- KEYS: the 7 store keys (see includes/channel-keys.lua)
-- ARGV[1] limit
-- Returns the number of channel ids removed
--- @include "fail"
--- @include "server-time"
--- @include "channel-keys"
local limit = tonumber(ARGV[1])
if limit == nil or limit < 1 then return fail('VALIDATION', 'limit must be a positive integer') end
return sweep_expired(now_ms(), limit)
