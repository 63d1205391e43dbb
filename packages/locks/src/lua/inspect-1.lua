-- Reads who holds a lock, without changing anything.
-- KEYS[1] lock hash
-- ARGV none
-- Returns {} when free, else {owner, token, acquiredAtMs, expiresAtMs}
--- @include "server-time"
local fields = redis.call('HMGET', KEYS[1], 'owner', 'token', 'at')
if not fields[2] then return {} end
local pttl = redis.call('PTTL', KEYS[1])
if pttl < 0 then return {} end
return {fields[1] or '', fields[2], fields[3] or '', now_ms() + pttl}
