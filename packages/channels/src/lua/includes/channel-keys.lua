-- Shared helpers for channel scripts. Every channel script takes the same 7 keys, all in
-- the store's one hash slot:
--   KEYS[1] names   HASH  escapedId -> channelName (a channel exists iff it has a name)
--   KEYS[2] opening HASH  escapedId -> openingData JSON (opaque)
--   KEYS[3] users   HASH  escapedId -> pikkuUserId
--   KEYS[4] state   HASH  escapedId -> state JSON (opaque)
--   KEYS[5] expiry  ZSET  escapedId scored by server-time deadline (ms), only with a TTL
--   KEYS[6] subs    ZSET  score 0, members "<escapedTopic>:<escapedId>" (topic -> channels)
--   KEYS[7] chsubs  ZSET  score 0, members "<escapedId>:<escapedTopic>" (channel -> topics)
-- KEYS[6]/KEYS[7] are a pair index (core's pair-index include).
--- @include "pair-index"

-- Removes the channel, its state, its expiry entry and every subscription in one step.
-- Returns 1 when a channel record existed.
local function remove_channel(id)
  local existed = redis.call('HDEL', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('HDEL', KEYS[4], id)
  redis.call('ZREM', KEYS[5], id)
  pair_unlink_all(KEYS[6], KEYS[7], id)
  return existed
end

-- Removes up to `limit` channels whose deadline passed. Cost is bounded per call.
local function sweep_expired(now, limit)
  local due = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(due) do remove_channel(id) end
  return #due
end

-- A channel whose deadline has passed is gone even before a sweep removes it.
local function is_expired(id, now)
  local deadline = redis.call('ZSCORE', KEYS[5], id)
  return deadline ~= false and deadline ~= nil and tonumber(deadline) <= now
end

local function touch(id, now, ttl)
  if ttl > 0 then redis.call('ZADD', KEYS[5], now + ttl, id) end
end

local function exists_live(id, now)
  return redis.call('HEXISTS', KEYS[1], id) == 1 and not is_expired(id, now)
end

-- Validates the common ARGV prefix (escapedId, ttlMs). Returns ttl or nil.
local function parse_ttl(raw)
  local ttl = tonumber(raw)
  if ttl == nil or ttl < 0 or ttl ~= math.floor(ttl) then return nil end
  return ttl
end
