-- Live deployments serving one function, from the function index (no keyspace scan).
-- KEYS: the 4 registry keys (see includes/deployment-keys.lua)
-- ARGV[1] escaped function name
-- Returns a flat array {escapedId, endpoint, expiryMs, ...}
--- @include "fail"
--- @include "server-time"
--- @include "deployment-keys"
local fn = ARGV[1]
if fn == nil or fn == '' then return fail('VALIDATION', 'function name must not be empty') end
local now = now_ms()
local offset = string.len(fn) + 2
local out = {}
for _, member in ipairs(pair_members(KEYS[3], fn)) do
  local id = string.sub(member, offset)
  local expiry = redis.call('ZSCORE', KEYS[1], id)
  if expiry and tonumber(expiry) > now then
    local endpoint = redis.call('HGET', KEYS[2], id)
    if endpoint then
      out[#out + 1] = id
      out[#out + 1] = endpoint
      out[#out + 1] = expiry
    end
  end
end
return out
