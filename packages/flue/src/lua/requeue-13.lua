-- Returns a running submission to queued for a clean first attempt (owner-gated).
-- KEYS: the 13 submission keys (see includes/sub-lib.lua).
-- ARGV: 1 id, 2 attempt id.
-- Returns: 1 when requeued, else 0.
--- @include "sub-lib"
--- @include "server-time"
local row, bad = running_as(ARGV[1], ARGV[2])
if bad then return bad end
if not row then return 0 end
row.attempt = nil
row.owner = nil
row.applied = nil
row.started = nil
set_status(row, 'queued', now_ms())
row.lease = '0'
save_row(row)
return 1
