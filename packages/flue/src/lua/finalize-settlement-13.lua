-- Settles an owned terminalizing submission after its canonical record exists, and settles
-- (or requeues) the deliveries joined into it.
-- KEYS: the 13 submission keys (see includes/sub-lib.lua).
-- ARGV: 1 id, 2 attempt id, 3 record id, 4 '1' when an error message is given, 5 message,
--       6 retention ms (0 = keep), 7 prune batch size.
-- Returns: {1, ids of expired settled rows with chunk hashes to drop} when settled, else 0.
--- @include "sub-lib"
--- @include "server-time"
local retention = tonumber(ARGV[6])
if not retention or not tonumber(ARGV[7]) then return redis.error_reply('RSERR VALIDATION bad retention') end
local row, bad = load_row(ARGV[1])
if bad then return bad end
if not row or row.status ~= 'terminalizing' or row.attempt ~= ARGV[2] or row.ob ~= ARGV[3] then return 0 end
local plan, corrupt = joined_into(row)
if not plan then return corrupt end
local now = now_ms()
local err = nil
if ARGV[4] == '1' then err = ARGV[5] elseif row.oberr ~= nil then err = row.oberr end
settle(row, err, now)
fan_out(plan, err, now)
return { 1, unpack(prune(retention, now, tonumber(ARGV[7]))) }
