-- Shared helpers for deployment scripts. Every deployment script takes the same 4 keys,
-- all in the registry's one hash slot:
--   KEYS[1] live        ZSET escapedId scored by server-time expiry (ms)
--   KEYS[2] endpoints   HASH escapedId -> endpoint
--   KEYS[3] by-function ZSET score 0, members "<escapedFn>:<escapedId>"
--   KEYS[4] by-id       ZSET score 0, members "<escapedId>:<escapedFn>"
-- KEYS[3]/KEYS[4] are a pair index (core's pair-index include).
--- @include "pair-index"

local function remove_deployment(id)
  local existed = redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
  pair_unlink_all(KEYS[3], KEYS[4], id)
  return existed
end

-- Removes up to `limit` deployments whose heartbeat expired. Bounded cost per call.
local function sweep_expired(now, limit)
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(due) do remove_deployment(id) end
  return #due
end

local function is_live(id, now)
  local expiry = redis.call('ZSCORE', KEYS[1], id)
  return expiry ~= false and expiry ~= nil and tonumber(expiry) > now
end
