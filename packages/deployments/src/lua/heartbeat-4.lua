-- Registers a deployment (mode 'start': replaces its endpoint and function list) or
-- refreshes its heartbeat (mode 'beat': only moves the expiry when the record is present
-- with the same endpoint, else registers it again). Sweeps expired deployments first.
-- KEYS: the 4 registry keys (see includes/deployment-keys.lua)
-- ARGV[1] ttl ms (> 0), ARGV[2] sweep limit, ARGV[3] mode ('start' | 'beat'),
-- ARGV[4] escaped deployment id, ARGV[5] endpoint, ARGV[6..n] escaped function names
-- Returns 1 when only the heartbeat moved, 2 when the deployment was (re)registered
--- @include "fail"
--- @include "server-time"
--- @include "deployment-keys"
--- @include "deny-oom"
local ttl = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local mode = ARGV[3]
local id = ARGV[4]
local endpoint = ARGV[5]
if ttl == nil or ttl <= 0 or ttl ~= math.floor(ttl) then return fail('VALIDATION', 'ttl must be a positive integer') end
if limit == nil or limit < 0 then return fail('VALIDATION', 'sweep limit must be a non-negative integer') end
if mode ~= 'start' and mode ~= 'beat' then return fail('VALIDATION', 'mode must be start or beat') end
if id == nil or id == '' then return fail('VALIDATION', 'deployment id must not be empty') end
if endpoint == nil or endpoint == '' then return fail('VALIDATION', 'endpoint must not be empty') end
for i = 6, #ARGV do
  if ARGV[i] == '' then return fail('VALIDATION', 'function names must not be empty') end
end

local now = now_ms()
deny_oom(KEYS[1]) -- refuse the whole script under maxmemory before the sweep deletes anything
sweep_expired(now, limit)
if mode == 'beat' and is_live(id, now) and redis.call('HGET', KEYS[2], id) == endpoint then
  redis.call('ZADD', KEYS[1], now + ttl, id)
  return 1
end
remove_deployment(id)
redis.call('ZADD', KEYS[1], now + ttl, id)
redis.call('HSET', KEYS[2], id, endpoint)
for i = 6, #ARGV do
  redis.call('ZADD', KEYS[3], 0, ARGV[i] .. ':' .. id)
  redis.call('ZADD', KEYS[4], 0, id .. ':' .. ARGV[i])
end
return 2
