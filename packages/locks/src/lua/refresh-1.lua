-- Extends the lease, only for the holder of the random lock value.
-- KEYS[1] lock lease
-- ARGV[1] lock value   ARGV[2] ttl ms
-- Returns the new expiry (server ms), or RSERR LOCK_LOST when the value no longer holds it
--- @include "fail"
--- @include "server-time"
--- @include "lease"
local ttl = tonumber(ARGV[2])
if ARGV[1] == '' or ttl == nil or ttl < 1 or ttl ~= math.floor(ttl) then
  return fail('VALIDATION', 'refresh needs a lock value and a positive integer ttl')
end
if lease_value(KEYS[1]) ~= ARGV[1] then
  return fail('LOCK_LOST', 'the lock expired or is held by another owner')
end
redis.call('PEXPIRE', KEYS[1], ttl)
return now_ms() + ttl
