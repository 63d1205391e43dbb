-- Removes deployments whose heartbeat expired, with their index entries.
-- KEYS: the 4 registry keys (see includes/deployment-keys.lua)
-- ARGV[1] limit
-- Returns the number removed
--- @include "fail"
--- @include "server-time"
--- @include "deployment-keys"
local limit = tonumber(ARGV[1])
if limit == nil or limit < 1 then return fail('VALIDATION', 'limit must be a positive integer') end
return sweep_expired(now_ms(), limit)
