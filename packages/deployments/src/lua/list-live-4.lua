-- One page of live deployments, soonest expiry first.
-- KEYS: the 4 registry keys (see includes/deployment-keys.lua)
-- ARGV[1] offset, ARGV[2] limit
-- Returns a flat array {escapedId, endpoint, expiryMs, ...}
--- @include "fail"
--- @include "server-time"
--- @include "deployment-keys"
local offset = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if offset == nil or offset < 0 then return fail('VALIDATION', 'offset must be a non-negative integer') end
if limit == nil or limit < 1 then return fail('VALIDATION', 'limit must be a positive integer') end
local now = now_ms()
local rows = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf', 'WITHSCORES', 'LIMIT', offset, limit)
local out = {}
for i = 1, #rows, 2 do
  local endpoint = redis.call('HGET', KEYS[2], rows[i])
  if endpoint then
    out[#out + 1] = rows[i]
    out[#out + 1] = endpoint
    out[#out + 1] = rows[i + 1]
  end
end
return out
