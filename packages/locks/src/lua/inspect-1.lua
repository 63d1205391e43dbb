-- Reads who holds a lock, without changing anything.
-- KEYS[1] lock lease ('<value>|<token>|<at>|<owner>', see the lease include)
-- ARGV none
-- Returns {} when free, else {owner, token, acquiredAtMs, expiresAtMs}; a value this package
-- did not write (another type, a string not in the lease form, no TTL) answers empty fields,
-- which the client reports as corrupt
--- @include "server-time"
local stored = redis.pcall('GET', KEYS[1])
if not stored then return {} end
local pttl = redis.call('PTTL', KEYS[1])
if type(stored) ~= 'string' or pttl < 0 then return {'', '', '', 0} end
local _, token, at, owner = string.match(stored, '^([^|]*)|([^|]*)|([^|]*)|(.*)$')
if not token then return {'', '', '', 0} end
return {owner, token, at, now_ms() + pttl}
