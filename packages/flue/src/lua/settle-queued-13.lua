-- Settles a queued submission that can never be claimed (failed or aborted).
-- KEYS: the 13 submission keys (see includes/sub-lib.lua).
-- ARGV: 1 id, 2 error message, 3 retention ms (0 = keep), 4 prune batch size.
-- Returns: {1, ids of expired settled rows with chunk hashes to drop} when settled, else 0.
--- @include "sub-lib"
--- @include "server-time"
local retention = tonumber(ARGV[3])
if not retention or not tonumber(ARGV[4]) then return redis.error_reply('RSERR VALIDATION bad retention') end
local row, bad = load_row(ARGV[1])
if bad then return bad end
if not row or row.status ~= 'queued' then return 0 end
local now = now_ms()
settle(row, ARGV[2], now)
return { 1, unpack(prune(retention, now, tonumber(ARGV[4]))) }
