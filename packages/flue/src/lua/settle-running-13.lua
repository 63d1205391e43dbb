-- Completes or fails a running submission owned by the attempt (first terminal state wins),
-- settling joined deliveries with it and requeueing unconfirmed joins.
-- KEYS: the 13 submission keys (see includes/sub-lib.lua).
-- ARGV: 1 id, 2 attempt id, 3 '1' for failure, 4 error message, 5 retention ms (0 = keep),
--       6 prune batch size.
-- Returns: {1, ids of expired settled rows with chunk hashes to drop} when settled, else 0.
--- @include "sub-lib"
--- @include "server-time"
local retention = tonumber(ARGV[5])
if not retention or not tonumber(ARGV[6]) then return redis.error_reply('RSERR VALIDATION bad retention') end
local row, bad = running_as(ARGV[1], ARGV[2])
if bad then return bad end
if not row then return 0 end
local plan, corrupt = joined_into(row)
if not plan then return corrupt end
local now = now_ms()
local err = nil
if ARGV[3] == '1' then err = ARGV[4] end
settle(row, err, now)
fan_out(plan, err, now)
return { 1, unpack(prune(retention, now, tonumber(ARGV[6]))) }
