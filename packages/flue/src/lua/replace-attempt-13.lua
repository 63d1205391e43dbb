-- Recovery handoff: moves a running submission to a new attempt id and counts the attempt.
-- KEYS: the 13 submission keys (see includes/sub-lib.lua).
-- ARGV: 1 id, 2 current attempt id, 3 next attempt id, 4 owner id or '', 5 lease expiry ms or ''.
-- Returns: the row reply (4 entries), or an empty array when the attempt does not own it.
--- @include "sub-lib"
--- @include "server-time"
if ARGV[5] ~= '' and not tonumber(ARGV[5]) then return redis.error_reply('RSERR VALIDATION bad lease') end
local row, bad = running_as(ARGV[1], ARGV[2])
if bad then return bad end
if not row then return {} end
row.attempt = ARGV[3]
row.count = tostring((tonumber(row.count) or 0) + 1)
if ARGV[4] ~= '' then
  row.owner = ARGV[4]
  row.lease = ARGV[5]
end
set_status(row, 'running', now_ms())
return row_reply(row)
