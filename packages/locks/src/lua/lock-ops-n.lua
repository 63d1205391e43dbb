-- Runs the lock acquires and releases one client issued in the same tick, in submission order.
-- Item i (1-based) uses KEYS[2i-1] lock lease (see the lease include; expires with the lease)
-- and KEYS[2i] fencing counter (no TTL: never reset, so tokens only grow; unused by releases).
-- ARGV per item i, from ARGV[4i-3]: op ('a' acquire, 'r' release), random lock value, owner, ttl ms
-- Returns one reply per item:
--   acquire: {1, token, acquiredAtMs, expiresAtMs} when taken,
--            {0, remaining ttl ms of the current holder} when held by someone else,
--            {-1, error message} when refused (bad ARGV, out of memory; nothing written)
--   release: {1} when released, {0} when the lock was already lost (nothing changed)
--- @include "server-time"
--- @include "lease"
--- @include "pcall-error"
local n = #KEYS / 2
if n ~= math.floor(n) or #ARGV ~= n * 4 then
  return redis.error_reply('RSERR VALIDATION lock-ops takes 2 keys and 4 arguments per item')
end
local now
local out = {}
for i = 1, n do
  local lock, counter = KEYS[2 * i - 1], KEYS[2 * i]
  local op, value, owner = ARGV[4 * i - 3], ARGV[4 * i - 2], ARGV[4 * i - 1]
  local ttl = tonumber(ARGV[4 * i])
  if op == 'r' then
    if value ~= '' and lease_value(lock) == value then
      redis.call('DEL', lock)
      out[i] = {1}
    else
      out[i] = {0}
    end
  elseif op ~= 'a' or value == '' or string.find(value, '|', 1, true) or ttl == nil or ttl < 1 or ttl ~= math.floor(ttl) then
    out[i] = {-1, 'RSERR VALIDATION acquire needs a lock value without "|" and a positive integer ttl'}
  elseif redis.call('EXISTS', lock) == 1 then
    out[i] = {0, redis.call('PTTL', lock)}
  else
    -- INCR is this item's first write: under maxmemory it is refused here, before anything
    -- else of the item is written (pcall keeps the other items of the batch going).
    local token = redis.pcall('INCR', counter)
    if pcall_error(token) then
      out[i] = {-1, token.err}
    else
      now = now or now_ms()
      redis.call('SET', lock, lease_string(value, token, now, owner), 'PX', ttl)
      out[i] = {1, token, now, now + ttl}
    end
  end
end
return out
